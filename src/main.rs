//! The `mynaflow` command: parses arguments and wires the library's stages
//! together. All the work is in the library.

// Input never makes the tool panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

/// mimalloc: a design of a million flows makes tens of millions of small
/// allocations (names, findings, per-flow lists) on two threads. With
/// glibc's malloc they were a third of the user time; mimalloc's
/// per-thread free lists halve that, and it hands freed pages back
/// without the tuning glibc needed. The library leaves the choice to
/// whoever embeds it. `--features system-alloc` builds with the system's
/// allocator instead, for tools that watch malloc (heaptrack).
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3 gives memory back to the system a second after it is freed
/// (its `purge_delay`, 1 000 ms). A check frees the tree part by part as
/// it resolves it, then the graph, well within a second of the next
/// stage's allocations, and the freed pages kept the peak up: at a million
/// flows, `inventory` on long internal chains peaked at 994 to 1 062 MiB
/// with the default and 947 to 953 MiB with 10 ms (mimalloc 2's delay),
/// and `check` 8 to 19 % lower, with no wall time lost that runs on this
/// machine could tell from their noise (benches/README.md, twelfth pass),
/// for up to 8 % more CPU time. The variable `MIMALLOC_PURGE_DELAY`, when
/// set, still decides.
#[cfg(not(feature = "system-alloc"))]
fn give_freed_memory_back_sooner() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a number mimalloc reads when it purges; it touches
        // no memory.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 10) }
    }
}

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (the C sources
/// libmimalloc-sys 0.1.49 builds): the crate names no constant for it. A
/// test reads the option's default back by this number.
#[cfg(not(feature = "system-alloc"))]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    #[cfg(not(feature = "system-alloc"))]
    give_freed_memory_back_sooner();
    cli::main()
}

#[cfg(all(test, not(feature = "system-alloc")))]
mod tests {
    use super::*;

    /// If a new mimalloc numbered its options anew, option 15 would be
    /// another one, with another default.
    #[test]
    fn option_15_is_the_purge_delay() {
        // SAFETY: reads one of mimalloc's options.
        let value = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        let want = std::env::var("MIMALLOC_PURGE_DELAY")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1000);
        assert_eq!(value, want, "mimalloc's purge delay, read as option 15");
    }
}
