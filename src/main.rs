//! The `mynaflow` command: parses arguments and wires the library's stages
//! together. All the work is in the library.

// Input never makes the tool panic: no unwrap/expect outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
