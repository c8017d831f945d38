//! GitHub code scanning's `primaryLocationLineHash`, computed as
//! `github/codeql-action` computes it on upload (`fingerprints.ts`), so a
//! log carries the value GitHub would have computed itself and alerts keep
//! their identity when lines move.
//!
//! The algorithm, reproduced step for step: the file is read as UTF-16 code
//! units; spaces and tabs are skipped; CR, LF and CRLF all become one LF;
//! an end-of-file marker (65535) follows the text, then zeros. The hash of
//! a line is a polynomial hash (base 37, wrapping 64-bit arithmetic) of the
//! [`BLOCK`] code units that start at the line's first kept unit, written
//! as lowercase hexadecimal without leading zeros, followed by `:n` where
//! `n` counts how often that hash has occurred so far in the file. Lines
//! are numbered as the hasher numbers them (a lone CR ends a line).
//!
//! One pass over the file: the window is a ring buffer and the hash is
//! rolled, so the cost is linear in the file's length.

/// How many code units a line's hash covers.
const BLOCK: usize = 100;
/// The base of the polynomial.
const MOD: u64 = 37;
/// Stands for the end of the file.
const EOF: u16 = 65535;

/// The hash of every line of `text`, in order: element `i` is line `i + 1`.
/// There is always one more line than the text has line breaks (an empty
/// text has one line).
pub fn line_hashes(text: &str) -> Vec<String> {
    let first_mod = (0..BLOCK).fold(1u64, |m, _| m.wrapping_mul(MOD));
    let mut window = [0u16; BLOCK];
    // The line number that starts at each window position, or 0.
    let mut starts = [0usize; BLOCK];
    let mut hash: u64 = 0;
    let mut index = 0;
    let mut line = 0;
    let mut line_start = true;
    let mut prev_cr = false;
    let mut counts: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let mut out: Vec<String> = Vec::new();

    let mut emit = |hash: u64, line: usize, out: &mut Vec<String>| {
        let n = counts.entry(hash).or_default();
        *n += 1;
        // Lines come out in order, one each.
        debug_assert_eq!(line, out.len() + 1);
        out.push(format!("{hash:x}:{n}"));
    };
    let update = |current: u16, hash: &mut u64, index: &mut usize, window: &mut [u16; BLOCK]| {
        let begin = window[*index];
        window[*index] = current;
        *hash = MOD
            .wrapping_mul(*hash)
            .wrapping_add(u64::from(current))
            .wrapping_sub(first_mod.wrapping_mul(u64::from(begin)));
        *index = (*index + 1) % BLOCK;
    };

    let units = text.encode_utf16().chain(std::iter::once(EOF));
    for mut current in units {
        if current == b' ' as u16 || current == b'\t' as u16 || (prev_cr && current == b'\n' as u16)
        {
            prev_cr = false;
            continue;
        }
        if current == b'\r' as u16 {
            current = b'\n' as u16;
            prev_cr = true;
        } else {
            prev_cr = false;
        }
        if starts[index] != 0 {
            emit(hash, starts[index], &mut out);
            starts[index] = 0;
        }
        if line_start {
            line_start = false;
            line += 1;
            starts[index] = line;
        }
        if current == b'\n' as u16 {
            line_start = true;
        }
        update(current, &mut hash, &mut index, &mut window);
    }
    for _ in 0..BLOCK {
        if starts[index] != 0 {
            emit(hash, starts[index], &mut out);
            starts[index] = 0;
        }
        update(0, &mut hash, &mut index, &mut window);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // The expected values are those of codeql-action's own tests
    // (src/fingerprints.test.ts).
    #[test]
    fn matches_the_upload_action() {
        assert_eq!(line_hashes(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            line_hashes(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        assert_eq!(
            line_hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ]
        );
        let expected = [
            "e9496ae3ebfced30:1",
            "fb7c023a8b9ccb3f:1",
            "ce8ba1a563dcdaca:1",
            "e20e36e16fcb0cc8:1",
            "b3edc88f2938467e:1",
            "c8e28b0b4002a3a0:1",
            "c129715d7a2bc9a3:1",
        ];
        for text in [
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        ] {
            assert_eq!(line_hashes(text), expected, "{text:?}");
        }
        assert_eq!(
            line_hashes(&"Lorem ipsum dolor sit amet.\n".repeat(10)),
            [
                "a7f2ff13bc495cf2:1",
                "a7f2ff13bc495cf2:2",
                "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4",
                "a7f2ff13bc495cf2:5",
                "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1",
                "a9cf91f7bbf1862b:1",
                "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    #[test]
    fn one_hash_per_line_whatever_the_text() {
        let text = "actor 組合 : 組合\r\n\u{1F600}x\rflow\n".repeat(50);
        assert_eq!(line_hashes(&text).len(), 50 * 3 + 1);
    }
}
