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
    clap_complete::generate(shell, &mut crate::cli::command(), "secctl", &mut buf);
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
bad usage or bad input; one line on stderr names the input and the problem; nothing is written
.TP
\fB3\fR
I/O error (state directory not writable, disk full)
.TP
\fB4\fR
internal error
.TP
\fB130\fR, \fB143\fR
interrupted by SIGINT or SIGTERM (staged secret files removed first)
"#;

const ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBSECCTL_DIR\fR
the state directory, as \fB\-\-dir\fR (default \fIpki\fR in the current directory)
.TP
\fBSECCTL_PASSPHRASE_FILE\fR
a file whose first line is the CA passphrase, as \fB\-\-passphrase\-file\fR (keep it mode 0600)
.TP
\fBSECCTL_INSECURE_DIRS\fR
\fB1\fR accepts state and output directories that other users could write, as \fB\-\-insecure\-dirs\fR
.TP
\fBNO_COLOR\fR
any value turns colours off
"#;

const FILES: &str = r#".SH FILES
Under the state directory \fIDIR\fR (\fB\-\-dir\fR, default \fIpki\fR):
.TP
\fIDIR/secctl.json\fR
cluster name, trust domain, key type, issuing CA, whether the CA key is encrypted
.TP
\fIDIR/ca.crt\fR
the trust bundle handed to nodes (the roots of every CA generation still trusted)
.TP
\fIDIR/ca/\fR
root.crt, root.key (root.key.age when encrypted), intermediate.crt and intermediate.key[.age]; previous/ID/ holds the generations kept by \fBca rotate\fR (ID, the UTC time, is what \fBca retire\fR takes)
.TP
\fIDIR/issued/SERIAL.json\fR
the record of every issued certificate, with the certificate itself, named by the random serial (\fBcert show SERIAL \-\-pem\fR prints the certificate)
.TP
\fIDIR/certs/NAME/\fR
default output of \fBcert node\fR and \fBcert client\fR: NAME.key (mode 0600), NAME.crt, ca.crt
.TP
\fIDIR/revocations.log\fR, \fIDIR/ca\-revocations.log\fR, \fIDIR/crl.pem\fR, \fIDIR/crl.json\fR
revocations (of certificates, and of intermediate CAs), the published CRLs and the last CRL number
.TP
\fIDIR/attic/\fR
CAs replaced with \fBca init \-\-force\fR, and in retired/ the generations retired with \fBca retire\fR (never deleted)
.TP
\fIDIR/backup.pub\fR, \fIDIR/backup.auth\fR, \fIDIR/ca/backup.pin\fR
the backup public key, its MAC key and its pinned fingerprint (after \fBbackup init\fR)
.TP
\fIDIR/.lock\fR
advisory lock taken by every writing command
"#;

/// Escape text for a roff line (`-` as `\-`, a backslash doubled, a leading `.` or `'`
/// protected).
fn roff_escape(line: &str) -> String {
    let s = line.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

/// A section of preformatted lines.
fn roff_block(title: &str, text: &str) -> String {
    let mut out = format!(".SH {title}\n.nf\n");
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push_str(".sp\n");
        } else {
            out.push_str(&roff_escape(line));
            out.push('\n');
        }
    }
    out.push_str(".fi\n");
    out
}

/// The clap command without clap's `help` subcommand (it has no page of its own).
fn without_help_subcommand(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let mut cmd = cmd.disable_help_subcommand(true);
    for n in names {
        cmd = cmd.mut_subcommand(n, without_help_subcommand);
    }
    cmd
}

/// Every man page: (file name, roff text), one per command and subcommand.
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = without_help_subcommand(Cli::command());
    cmd.build();
    let mut out = Vec::new();
    collect(&cmd, "secctl", None, &mut out)?;
    Ok(out)
}

fn collect(
    cmd: &clap::Command,
    name: &str,
    parent: Option<&str>,
    out: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let page_cmd = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    let man = clap_mangen::Man::new(page_cmd.clone()).date("2026-11");
    let mut buf = Vec::new();
    let e = Error::internal;
    man.render_title(&mut buf).map_err(e)?;
    man.render_name_section(&mut buf).map_err(e)?;
    man.render_synopsis_section(&mut buf).map_err(e)?;
    man.render_description_section(&mut buf).map_err(e)?;
    man.render_options_section(&mut buf).map_err(e)?;
    let subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
    if !subs.is_empty() {
        man.render_subcommands_section(&mut buf).map_err(e)?;
    }
    // `probe`'s verdicts (its long help after the options).
    if parent.is_some() {
        if let Some(notes) = cmd.get_after_long_help() {
            buf.extend_from_slice(roff_block("NOTES", &notes.to_string()).as_bytes());
        }
    }
    let path = name
        .strip_prefix("secctl")
        .unwrap_or(name)
        .trim_start_matches('-')
        .replace('-', " ");
    if let Some(ex) = crate::cli::examples(&path) {
        buf.extend_from_slice(roff_block("EXAMPLES", ex).as_bytes());
    }
    buf.extend_from_slice(ENVIRONMENT.as_bytes());
    buf.extend_from_slice(FILES.as_bytes());
    buf.extend_from_slice(EXIT_STATUS.as_bytes());
    man.render_version_section(&mut buf).map_err(e)?;
    let mut see: Vec<String> = Vec::new();
    if let Some(p) = parent {
        if p != "secctl" {
            see.push(p.to_string());
        }
        see.push("secctl".to_string());
    }
    for sub in &subs {
        see.push(format!("{name}-{}", sub.get_name()));
    }
    let mut refs: Vec<String> = see
        .iter()
        .map(|p| format!("\\fB{}\\fR(1)", roff_escape(p)))
        .collect();
    refs.push("\\fBopenssl\\fR(1)".to_string());
    buf.extend_from_slice(
        format!(".SH \"SEE ALSO\"\n.nh\n{}\n.hy\n.PP\n", refs.join(", ")).as_bytes(),
    );
    buf.extend_from_slice(
        b"The README and docs/ of the source distribution are the full manual: JSON contracts and the probe matrix (docs/json.md), the state directory (docs/state-directory.md).\n",
    );
    out.push((format!("{name}.1"), buf));
    for sub in subs {
        collect(sub, &format!("{name}-{}", sub.get_name()), Some(name), out)?;
    }
    Ok(())
}

/// Write the man pages into `dir`.
pub fn man(ctx: &Ctx, dir: &Path) -> Result<u8> {
    ctx.store.files().ensure_dir(dir)?;
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
