//! Whether respelling an undefined name as the one close name mends a slip
//! of the keys, which leaves the design meaning what its author meant (a
//! safe fix), or may choose another name than the one meant (an unsafe
//! fix: a person confirms it). The fix audit found "exactly one name is
//! close" (a Jaro score) too wide for a safe fix: `名簿・個人番号` was
//! respelt `名簿`, dropping a My Number item; `組合員` `組合`, the society
//! itself; `持出し許可` `持出し禁止`; `名簿2023` `名簿2024`. rustc, for the
//! same reason, never marks its "a similar name exists" suggestions
//! machine-applicable.
//!
//! A slip is what the two names' characters show: they look alike
//! (a Kangxi radical for its ideograph, one dash for another: the
//! `lookalike` note), or differ only by a mark that joins words (`・`,
//! `-`), or as many characters that differ by two
//! neighbours swapped, or by one character put for another where neither
//! is a digit (a year, a number) or an ideograph (a kanji is a word or a
//! part of one: `他社` and `他者`, `給付` and `納付` are other names, not
//! other spellings). Characters added or left out never are: they are
//! what separates `組合員` from `組合` and `非課税` from `課税`.

use super::{Lookalike, lookalike};

/// Does respelling `written` as `meant` mend a slip of the keys
/// (module doc)?
pub(crate) fn mends_a_slip(written: &str, meant: &str) -> bool {
    if lookalike(written, meant, Lookalike::Suggested).is_some() {
        return true;
    }
    // `課税非課税情報` for `課税・非課税情報`: only a mark joining words
    // added or left out.
    let unjoined = |s: &str| -> String { s.chars().filter(|c| !is_joiner(*c)).collect() };
    if unjoined(written) == unjoined(meant) {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (written.chars().collect(), meant.chars().collect());
    if a.len() != b.len() || a.len() < 3 {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    let word_like = |c: char| c.is_numeric() || is_ideograph(c);
    match differ.as_slice() {
        [i] => !word_like(a[*i]) && !word_like(b[*i]),
        [i, j] => {
            *j == i + 1
                && a[*i] == b[*j]
                && a[*j] == b[*i]
                && !a[*i].is_numeric()
                && !a[*j].is_numeric()
        }
        _ => false,
    }
}

/// Is `c` a mark that joins the words of one name and says nothing of
/// its own: a middle dot, a hyphen, a low line, a full stop?
fn is_joiner(c: char) -> bool {
    matches!(c, '・' | '･' | '·' | '-' | '‐' | '_' | '＿' | '.' | '．')
}

/// Is `c` a CJK ideograph (a kanji), or `々` `〆` `〇`?
fn is_ideograph(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_fix_audit_found_is_no_slip() {
        for (written, meant) in [
            ("名簿・個人番号", "名簿"),
            ("組合員", "組合"),
            ("持出し許可", "持出し禁止"),
            ("再委託許可", "再委託禁止"),
            ("名簿2023", "名簿2024"),
            ("名簿２０２３", "名簿２０２４"),
            ("他社", "他者"),
            ("保険納付", "保険給付"),
            ("非課税情報", "課税情報"),
            ("台帳12", "台帳21"),
        ] {
            assert!(!mends_a_slip(written, meant), "{written} → {meant}");
        }
    }

    #[test]
    fn a_letter_or_kana_put_for_another_or_two_swapped_is_a_slip() {
        for (written, meant) in [
            ("Hokem", "Hoken"),
            ("Insuerr", "Insurer"),
            ("デーダ連携", "データ連携"),
            ("被扶養者定認", "被扶養者認定"),
            // Look-alikes: a Kangxi radical, a dash.
            ("利⽤目的", "利用目的"),
            ("サ－バー", "サーバー"),
            ("課税非課税情報", "課税・非課税情報"),
            ("kihon_system", "kihon-system"),
        ] {
            assert!(mends_a_slip(written, meant), "{written} → {meant}");
        }
    }
}
