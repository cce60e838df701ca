//! The `secctl` binary: parse the command line, run it, map the result to an exit code.
use std::process::ExitCode;

fn main() -> ExitCode {
    secctl::main_entry()
}
