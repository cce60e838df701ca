//! secctl: a certificate and cluster-security toolkit.
//!
//! The root package of the workspace: `main.rs` only calls [`main_entry`]. This library
//! holds the layers only the binary needs: [`cli`] (the clap definition), [`cmd`] (one
//! module per command), [`output`] (the printer), [`term`], [`serve`] (the reference
//! node), [`inventory`] and [`plan`] (`apply`'s inventory and planner). The PKI core
//! (`secctl-pki`), the probe (`secctl-probe`) and the etcd store (`secctl-etcd`) are library
//! crates under `crates/` that return data and never print; they are re-exported below
//! under the names the modules here use ([`pki`], [`probe`], [`etcd`], [`error`], ...).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod cmd;
pub mod inventory;
pub mod output;
pub mod plan;
pub mod serve;
pub mod shares;
pub mod term;

// The library crates, under the names the binary's modules use (`crate::pki::store`).
pub use secctl_etcd as etcd;
pub use secctl_pki::{error, ground, pki, revocation, rfc5280, tlsconf, verify};
pub use secctl_probe as probe;

use std::io::Write;
use std::process::ExitCode;

use clap::FromArgMatches;

/// Parse the process arguments, run, print an error as one line on stderr, and return the
/// exit code of the contract (0 ok, 1 check failed, 2 bad input, 3 I/O, 4 internal).
pub fn main_entry() -> ExitCode {
    harden_process();
    // Still the only thread: the umask can be read by setting it and putting it back.
    crate::pki::fsio::learn_umask_single_threaded();
    // The common commands are parsed by themselves (`cli::parse_leaf`: their arguments and
    // the global options); any other command line, or one that fails there, by the bare
    // derive definition: the examples and completion hints `cli::command` adds change
    // nothing in parsing and take longer to build than most commands take to run. Help is
    // rendered with the examples, parsed again below.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `secctl --version` alone: the line clap prints for it, without building the command
    // tree (tests/help.rs holds them equal).
    if let [_, v] = args.as_slice() {
        if v == "--version" || v == "-V" {
            let _ = writeln!(std::io::stdout().lock(), "{}", cli::version_line());
            return ExitCode::SUCCESS;
        }
    }
    let parsed = match cli::parse_leaf(&args) {
        Some(cli) => Ok(cli),
        None => <cli::Cli as clap::CommandFactory>::command()
            .try_get_matches_from(&args)
            .and_then(|m| cli::Cli::from_arg_matches(&m)),
    };
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if e.kind() == ErrorKind::DisplayVersion {
                // `secctl 0.1.0`: nothing of the full command is in it.
                let _ = e.print();
                return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(error::EXIT_USAGE));
            }
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let e = match cli::command().try_get_matches_from(&args) {
                    Err(full) if full.kind() == e.kind() => full,
                    _ => e,
                };
                let _ = e.print();
                return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(error::EXIT_USAGE));
            }
            // One line, like every other error; `--help` has the rest.
            // clap's first paragraph (the error and any "[possible values: ...]"), joined.
            let text = e.to_string();
            let first = text
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let first = first.strip_prefix("error: ").unwrap_or(&first);
            // clap's suggestion ("tip: a similar subcommand exists: 'list'") is kept.
            let mut tips: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("tip:") && !first.contains(l))
                .collect();
            // `cert revoke X` (and `ca revoke`): revocation is a top-level command, not
            // the `renew` clap finds similar.
            if first.contains("unrecognized subcommand 'revoke'") {
                tips = vec!["tip: revocation is the top-level command: secctl revoke X"];
            }
            let first = if tips.is_empty() {
                first.to_string()
            } else {
                format!("{first}; {}", tips.join("; "))
            };
            let _ = writeln!(
                std::io::stderr().lock(),
                "secctl: error: {first} (see --help)"
            );
            return ExitCode::from(error::EXIT_USAGE);
        }
    };
    match cmd::dispatch::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // One line, and no control character from a quoted peer or file reaches the
            // terminal (line breaks become spaces as before; the rest is shown escaped).
            let msg = e.to_string().replace(['\n', '\r'], " ");
            let msg = error::redact_secrets(&msg);
            let msg = term::escape_controls(&msg);
            let _ = writeln!(std::io::stderr().lock(), "secctl: error: {msg}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Keep secrets out of core files and away from debuggers, before anything is read: the
/// core-file size limit is set to 0 (soft and hard), and the process is made non-dumpable
/// (`PR_SET_DUMPABLE 0`: no core, no `ptrace` attach by the same user, `/proc/PID/mem` and
/// `environ` closed to the user). Both are best effort: a kernel or sandbox that refuses
/// them leaves the process as it was.
pub fn harden_process() {
    use rustix::process::{setrlimit, Resource, Rlimit};
    let _ = setrlimit(
        Resource::Core,
        Rlimit {
            current: Some(0),
            maximum: Some(0),
        },
    );
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}
