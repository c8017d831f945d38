//! Rulebooks an attacker can write, shared by the benchmarks, the
//! integration tests and the unit tests (included by `#[path]`).
#![allow(dead_code)]

/// Rule i from the i-th of `n` nested roles for the (n−1−i)-th of `n`
/// nested purposes, all in one section: no rule covers another, every
/// pair is above one another in one tree and below in the other, and
/// rule i covers (n − i)(i + 1) (sender, purpose) pairs, n(n + 1)(n + 2)/6
/// in all. MN603's search tried every pair of ancestors (n³/6 keys), and
/// `rules diff` expanded every pair.
pub fn crossed(n: usize) -> String {
    let mut t = String::from("rulebook crossed \"crossed\" revised 2024-01-01\nrole 組合 self\n");
    chain(&mut t, "", "role", "R", n);
    t.push_str("category C\nsection \"1\" {\n");
    chain(&mut t, "  ", "purpose", "P", n);
    for i in 0..n {
        t.push_str(&format!("  allow R{i} -> 組合 : C for P{}\n", n - 1 - i));
    }
    t.push_str("}\n");
    t
}

/// `n` nested declarations, each in the one before, one per line after
/// `indent`: `role R0`, `role R1 in R0`, ...
pub fn chain(t: &mut String, indent: &str, word: &str, prefix: &str, n: usize) {
    for i in 0..n {
        t.push_str(&format!("{indent}{word} {prefix}{i}"));
        if i > 0 {
            t.push_str(&format!(" in {prefix}{}", i - 1));
        }
        t.push('\n');
    }
}

/// Numbers below `n` from a linear congruential generator: the same for
/// the same `seed` and `salt`, for random rulebooks made in tests.
pub fn dice(seed: u64, salt: u64) -> impl FnMut(usize) -> usize {
    const A: u64 = 6364136223846793005;
    const C: u64 = 1442695040888963407;
    let mut state = seed.wrapping_mul(A).wrapping_add(salt);
    move |n: usize| {
        state = state.wrapping_mul(A).wrapping_add(C);
        ((state >> 33) as usize) % n.max(1)
    }
}
