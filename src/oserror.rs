//! Operating-system errors in Japanese. The standard library describes an
//! I/O error in English (`No such file or directory (os error 2)`); a
//! message that quotes one gets the description in Japanese from the error
//! number, so `--lang ja` output has no English sentence in it. The
//! refusals [`crate::input`] words itself (a FIFO, a file over its limit,
//! a link out of the folder) are put in Japanese here too.

use std::io::ErrorKind;

/// The Japanese description of an error kind.
fn kind_ja(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::NotFound => "ファイルまたはディレクトリがありません",
        ErrorKind::PermissionDenied => "アクセス権がありません",
        ErrorKind::AlreadyExists => "すでに存在します",
        ErrorKind::IsADirectory => "ディレクトリです",
        ErrorKind::NotADirectory => "ディレクトリではありません",
        ErrorKind::InvalidData => "データが不正です",
        ErrorKind::InvalidInput => "引数が不正です",
        ErrorKind::Interrupted => "中断されました",
        ErrorKind::UnexpectedEof => "ファイルが途中で終わっています",
        ErrorKind::StorageFull => "ディスクの空きがありません",
        ErrorKind::ReadOnlyFilesystem => "読み取り専用のファイルシステムです",
        ErrorKind::FileTooLarge => "ファイルが大きすぎます",
        ErrorKind::ResourceBusy => "使用中です",
        ErrorKind::DirectoryNotEmpty => "ディレクトリが空ではありません",
        ErrorKind::InvalidFilename => "ファイル名が不正です",
        ErrorKind::OutOfMemory => "メモリが足りません",
        _ => return None,
    })
}

/// The Japanese description of an error number the standard library has
/// no stable kind for (an unreadable disk, a loop of symlinks...).
#[cfg(unix)]
fn number_ja(n: i32) -> Option<&'static str> {
    Some(match n {
        libc::EIO => "入出力エラーです",
        libc::ELOOP => "シンボリックリンクの階層が多すぎます",
        libc::ENAMETOOLONG => "ファイル名が長すぎます",
        libc::ENXIO => "デバイスまたはアドレスがありません",
        libc::ENODEV => "デバイスがありません",
        libc::EMFILE | libc::ENFILE => "開いているファイルが多すぎます",
        libc::EXDEV => "別のファイルシステムをまたいでいます",
        libc::ETXTBSY => "実行中のファイルです",
        libc::EDQUOT => "ディスクの割り当て量を超えました",
        libc::ESTALE => "ファイルハンドルが古くなっています",
        libc::EAGAIN => "一時的に使えません",
        libc::EPIPE => "パイプの相手が閉じています",
        libc::EBADF => "ファイル記述子が不正です",
        libc::EOVERFLOW => "値が大きすぎます",
        _ => return None,
    })
}

#[cfg(not(unix))]
fn number_ja(_: i32) -> Option<&'static str> {
    None
}

/// The Japanese description of `e`, by its number first (more precise
/// than its kind, and it covers numbers without a stable kind).
fn description_ja(e: &std::io::Error) -> Option<&'static str> {
    (e.raw_os_error().and_then(number_ja)).or_else(|| kind_ja(e.kind()))
}

/// The description of an I/O error in Japanese, with its number. An
/// error without a Japanese description is quoted as the system words it.
pub fn describe_ja(e: &std::io::Error) -> String {
    match (description_ja(e), e.raw_os_error()) {
        (Some(d), Some(n)) => format!("{d} (OS エラー {n})"),
        (Some(d), None) => d.to_string(),
        (None, _) => e.to_string(),
    }
}

/// `shown: ERROR` (a file and what went wrong with it) in both languages.
pub fn io_error_of(shown: &str, e: &std::io::Error) -> crate::text::Text {
    crate::text::Text::new(
        format!("{shown}: {e}"),
        format!("{shown}: {}", describe_ja(e)),
    )
}

/// A message quoting operating-system errors, in English as written and
/// in Japanese ([`to_ja`]): what the commands print when a file cannot be
/// read or written.
pub fn in_both(msg: &str) -> crate::text::Text {
    crate::text::Text::new(msg.to_string(), to_ja(msg))
}

/// `msg` with every `DESCRIPTION (os error N)` it quotes rewritten in
/// Japanese. The description is the text after the last `": "` before
/// the number (how mynaflow's messages quote errors: `path: error`). A
/// refusal of [`crate::input`]'s is rewritten whole, its path kept.
pub fn to_ja(msg: &str) -> String {
    if let Some(ja) = refusal_ja(msg) {
        return ja;
    }
    const TAIL: &str = " (os error ";
    let Some(at) = msg.rfind(TAIL) else {
        return msg.to_string();
    };
    let rest = &msg[at + TAIL.len()..];
    let Some(close) = rest.find(')') else {
        return msg.to_string();
    };
    let Ok(n) = rest[..close].parse::<i32>() else {
        return msg.to_string();
    };
    let head = &msg[..at];
    let start = head.rfind(": ").map_or(0, |i| i + 2);
    let e = std::io::Error::from_raw_os_error(n);
    if description_ja(&e).is_none() {
        return msg.to_string();
    }
    format!("{}{}{}", &msg[..start], describe_ja(&e), &rest[close + 1..])
}

/// What a file that is not a regular file is, in Japanese
/// (`input::kind_of`'s words).
const KINDS_JA: [(&str, &str); 6] = [
    ("a symlink", "シンボリックリンク"),
    ("a FIFO", "FIFO"),
    ("a device", "デバイス"),
    ("a socket", "ソケット"),
    ("a folder", "フォルダ"),
    ("not a regular file", "通常のファイル以外のもの"),
];

/// What a file that is not a regular file is ([`crate::input::not_regular`]'s
/// words), in Japanese.
pub fn file_kind_ja(en: &str) -> &str {
    KINDS_JA
        .iter()
        .find_map(|(e, ja)| (*e == en).then_some(*ja))
        .unwrap_or(en)
}

/// A refusal [`crate::input`] words (`PATH: REASON`), in Japanese; None
/// for any other message.
fn refusal_ja(msg: &str) -> Option<String> {
    if let Some(head) = msg.strip_suffix(", not a file; not read") {
        return KINDS_JA.iter().find_map(|(en, ja)| {
            let path = head.strip_suffix(en)?.strip_suffix(": ")?;
            Some(format!(
                "{path}: {ja}であり、ファイルではないため読みません"
            ))
        });
    }
    if let Some((path, n)) = (msg.strip_suffix(" bytes; not read"))
        .and_then(|head| head.rsplit_once(": larger than "))
        .filter(|(_, n)| n.parse::<u64>().is_ok())
    {
        return Some(format!("{path}: {n} バイトを超えるため読みません"));
    }
    if let Some((path, root)) = (msg.strip_suffix("; not followed"))
        .and_then(|head| head.split_once(": a symlink to outside "))
    {
        return Some(format!(
            "{path}: {root} の外を指すシンボリックリンクのため辿りません"
        ));
    }
    if let Some((path, e)) = msg.split_once(": a symlink to nothing: ") {
        return Some(format!(
            "{path}: 何も指していないシンボリックリンクです: {}",
            to_ja(e)
        ));
    }
    let path = msg.strip_suffix(": cannot tell its type")?;
    Some(format!("{path}: 種類が分かりません"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_errors_in_japanese() {
        let e = std::io::Error::from_raw_os_error(2);
        let en = format!("rules/x.myna: {e}");
        assert!(en.contains("(os error 2)"), "{en}");
        assert_eq!(
            to_ja(&en),
            "rules/x.myna: ファイルまたはディレクトリがありません (OS エラー 2)"
        );
        assert_eq!(
            to_ja("no built-in rulebook `x`"),
            "no built-in rulebook `x`"
        );
        assert_eq!(to_ja("a (os error zz)"), "a (os error zz)");
    }

    #[cfg(unix)]
    #[test]
    fn errors_without_a_stable_kind_in_japanese() {
        let eio = std::io::Error::from_raw_os_error(libc::EIO);
        assert_eq!(
            to_ja(&format!("/proc/self/mem: {eio}")),
            format!("/proc/self/mem: 入出力エラーです (OS エラー {})", libc::EIO)
        );
        let eloop = std::io::Error::from_raw_os_error(libc::ELOOP);
        assert!(describe_ja(&eloop).starts_with("シンボリックリンクの階層が多すぎます"));
        let shown = io_error_of("a.json", &eio);
        assert!(shown.en.starts_with("a.json: "), "{}", shown.en);
        assert!(
            shown.ja.starts_with("a.json: 入出力エラーです"),
            "{}",
            shown.ja
        );
    }

    #[test]
    fn the_input_modules_refusals_in_japanese() {
        let cases = [
            (
                "d/p.myna: a FIFO, not a file; not read",
                "d/p.myna: FIFOであり、ファイルではないため読みません",
            ),
            (
                "/dev/null: a device, not a file; not read",
                "/dev/null: デバイスであり、ファイルではないため読みません",
            ),
            (
                "big.myna: larger than 268435456 bytes; not read",
                "big.myna: 268435456 バイトを超えるため読みません",
            ),
            (
                "d/e.myna: a symlink to outside /tmp/d; not followed",
                "d/e.myna: /tmp/d の外を指すシンボリックリンクのため辿りません",
            ),
            (
                "d/x.myna: a symlink to nothing: No such file or directory (os error 2)",
                "d/x.myna: 何も指していないシンボリックリンクです: ファイルまたはディレクトリがありません (OS エラー 2)",
            ),
            ("d/q: cannot tell its type", "d/q: 種類が分かりません"),
        ];
        for (en, ja) in cases {
            assert_eq!(to_ja(en), ja, "{en}");
        }
        // What the input module does not word stays as it was.
        for other in [
            "x: a thing, not a file; not read",
            "x: larger than many bytes; not read",
        ] {
            assert_eq!(to_ja(other), other);
        }
    }
}
