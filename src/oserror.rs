//! Operating-system errors in Japanese. The standard library describes an
//! I/O error in English (`No such file or directory (os error 2)`); a
//! message that quotes one gets the description in Japanese from the error
//! number, so `--lang ja` output has no English sentence in it.

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

/// The description of an I/O error in Japanese, with its number.
pub fn describe_ja(e: &std::io::Error) -> String {
    match (kind_ja(e.kind()), e.raw_os_error()) {
        (Some(d), Some(n)) => format!("{d} (OS エラー {n})"),
        (Some(d), None) => d.to_string(),
        (None, _) => e.to_string(),
    }
}

/// A message quoting operating-system errors, in English as written and
/// in Japanese ([`to_ja`]): what the commands print when a file cannot be
/// read or written.
pub fn in_both(msg: &str) -> crate::text::Text {
    crate::text::Text::new(msg.to_string(), to_ja(msg))
}

/// `msg` with every `DESCRIPTION (os error N)` it quotes rewritten in
/// Japanese. The description is the text after the last `": "` before
/// the number (how mynaflow's messages quote errors: `path: error`).
pub fn to_ja(msg: &str) -> String {
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
    if kind_ja(e.kind()).is_none() {
        return msg.to_string();
    }
    format!("{}{}{}", &msg[..start], describe_ja(&e), &rest[close + 1..])
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
}
