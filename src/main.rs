//! The `mynaflow` command: parses arguments and wires the library's stages
//! together. All the work is in the library.

// Input never makes the tool panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

fn main() -> std::process::ExitCode {
    keep_large_blocks_apart();
    cli::main()
}

/// Large blocks (a part's statements, a file's tokens) get their own pages,
/// given back to the system when freed. glibc otherwise raises this
/// threshold each time such a block is freed, and later blocks of that size
/// come from heap arenas that rarely shrink: a large design in parts then
/// peaks a quarter higher.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_large_blocks_apart() {
    // SAFETY: mallopt only sets a tunable of the C allocator, before any
    // other thread exists; a refused setting leaves the default.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_large_blocks_apart() {}
