//! The `mynaflow` command: parses arguments and wires the library's stages
//! together. All the work is in the library.

// Input never makes the tool panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod allocator;
mod cli;
mod pipes;

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

fn main() -> std::process::ExitCode {
    cli::main()
}
