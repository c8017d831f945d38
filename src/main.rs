//! The `mynaflow` command: parses arguments and wires the library's stages
//! together. All the work is in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
