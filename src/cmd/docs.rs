//! `secctl completions SHELL` and `secctl man`: generated from the clap definition.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::fsio::{self, PUBLIC_MODE};

/// The completion script for `shell`.
pub fn completion_script(shell: clap_complete::Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "secctl", &mut buf);
    buf
}

/// Print a completion script.
pub fn completions(ctx: &Ctx, shell: clap_complete::Shell) -> Result<u8> {
    let s = String::from_utf8(completion_script(shell)).map_err(Error::internal)?;
    ctx.printer.line(s.trim_end())?;
    Ok(0)
}

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
success
.TP
\fB1\fR
a check found a problem (verify failed, probe \-\-strict, apply \-\-check has work)
.TP
\fB2\fR
bad usage or bad input; one line on stderr names the input and the problem
.TP
\fB3\fR
I/O error (state directory not writable, disk full)
.TP
\fB4\fR
internal error
"#;

/// Every man page: (file name, roff text), one per command and subcommand.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, "secctl", &mut out)?;
    Ok(out)
}

fn collect(cmd: &clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
    let page_cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let man = clap_mangen::Man::new(page_cmd).date("2026-11");
    let mut buf = Vec::new();
    man.render(&mut buf).map_err(Error::internal)?;
    buf.extend_from_slice(EXIT_STATUS.as_bytes());
    out.push((format!("{name}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        collect(sub, &format!("{name}-{}", sub.get_name()), out)?;
    }
    Ok(())
}

/// Write the man pages into `dir`.
pub fn man(ctx: &Ctx, dir: &Path) -> Result<u8> {
    fsio::ensure_dir(dir)?;
    let pages = man_pages()?;
    for (name, text) in &pages {
        fsio::write_atomic(&dir.join(name), text, PUBLIC_MODE)?;
    }
    if ctx.printer.is_json() {
        let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
        ctx.printer.json(&names)?;
    } else {
        ctx.printer.line(&format!(
            "wrote {} man pages to {}",
            pages.len(),
            dir.display()
        ))?;
    }
    Ok(0)
}
