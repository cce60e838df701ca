//! `secctl key split` and `secctl key combine`.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::{KeyCommand, RecipientArgs};
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::fsio::{self, SECRET_MODE};
use crate::shares::custody::{self, Custodian, Identities};
use crate::shares::{self, format, Share, ShareError};

/// Dispatch `key` subcommands.
pub fn run(ctx: &Ctx, cmd: KeyCommand) -> Result<u8> {
    match cmd {
        KeyCommand::Split {
            file,
            threshold,
            shares,
            to,
            out,
        } => {
            let secret = zeroize::Zeroizing::new(ctx.store.files().read_bytes(&file)?);
            if secret.is_empty() {
                return Err(Error::path(&file, "empty file: nothing to split"));
            }
            let out = match out {
                Some(o) => o,
                None => default_split_out(ctx, &file)?,
            };
            let rep = split_to_files(&ctx.store, &secret, threshold, shares, &to, &out)?;
            print_split(ctx, &rep, &format!("split {} into", file.display()))?;
            ctx.printer.note(&format!(
                "{} is still in place: the shares protect it only once it is gone from this \
                 machine. Test a restore (`secctl key combine ... --out /tmp/check`, compare, \
                 delete the copy), then move the original offline or delete it (shred -u). \
                 Hand each share file to its custodian, then delete the directory {}.",
                file.display(),
                out.display()
            ));
            Ok(0)
        }
        KeyCommand::Combine {
            shares,
            identities,
            out,
        } => combine_cmd(ctx, &shares, &identities, &out),
    }
}

/// Where `key split FILE` writes without `--out`: `FILE.shares` beside the file, except
/// for a file inside the state directory (`pki/ca/root.key`), whose shares go to
/// `./NAME.shares` in the current directory: shares kept next to the key protect nothing.
fn default_split_out(ctx: &Ctx, file: &Path) -> Result<PathBuf> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let state = abs(ctx.store.root());
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "secret".into());
    let beside = {
        let mut p = file.to_path_buf().into_os_string();
        p.push(".shares");
        PathBuf::from(p)
    };
    if !abs(file).starts_with(&state) {
        return Ok(beside);
    }
    let here = PathBuf::from(format!("{name}.shares"));
    if abs(&here).starts_with(&state) {
        return Err(Error::Usage(format!(
            "{} is in the state directory {} and so is the current directory: pass --out DIR \
             outside it (shares must not live beside the key)",
            file.display(),
            state.display()
        )));
    }
    Ok(here)
}

/// Custodians from `--recipient` and `--recipients-file`, in order, with the warnings of
/// [`custody::check_custodians`] (the same key twice is an error).
pub fn custodians(to: &RecipientArgs) -> Result<(Vec<Custodian>, Vec<String>)> {
    let mut out: Vec<Custodian> = to
        .recipients
        .iter()
        .enumerate()
        .map(|(i, r)| custody::parse_recipient(&format!("--recipient #{}", i + 1), r))
        .collect::<Result<_>>()?;
    if let Some(f) = &to.recipients_file {
        out.extend(custody::read_recipients_file(f)?);
    }
    let warnings = custody::check_custodians(&out)?;
    Ok((out, warnings))
}

/// One written share file.
#[derive(Debug, Serialize)]
pub struct ShareFile {
    /// 1..=N.
    pub index: u8,
    /// The file.
    pub path: PathBuf,
    /// The custodian's label, when encrypted.
    pub custodian: Option<String>,
}

/// What a split wrote.
#[derive(Debug, Serialize)]
pub struct SplitReport {
    /// Split id (in every share).
    pub split: String,
    /// K.
    pub threshold: u8,
    /// N.
    pub shares: u8,
    /// The files, one per share.
    pub files: Vec<ShareFile>,
    /// Whether they are age-encrypted to custodians.
    pub encrypted: bool,
    /// Warnings about the custodians (the same SSH comment on two keys); shown on stderr.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Split `secret` and write one file per share into `out` (which must be new or empty),
/// with a batch of `store` (so that on etcd a writing command hands them out with its other
/// deliveries, once its state is committed).
pub fn split_to_files(
    store: &crate::pki::store::Store,
    secret: &[u8],
    k: u8,
    n: u8,
    to: &RecipientArgs,
    out: &Path,
) -> Result<SplitReport> {
    let (custodians, warnings) = custodians(to)?;
    if !custodians.is_empty() && custodians.len() != n as usize {
        return Err(Error::Usage(format!(
            "{} recipients for {n} shares: give exactly one recipient per share",
            custodians.len()
        )));
    }
    if k > n {
        return Err(Error::Usage(format!(
            "--threshold {k} is larger than --shares {n}"
        )));
    }
    if out.exists()
        && std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::path(
            out,
            "exists and is not an empty directory (shares are never overwritten)",
        ));
    }
    let shares =
        shares::split(secret, k as usize, n as usize).map_err(|e| Error::Usage(e.to_string()))?;
    store.files().ensure_dir(out)?;
    let mut batch = store.batch();
    let mut files = Vec::new();
    for (i, s) in shares.iter().enumerate() {
        let text = format::encode(s);
        let (name, bytes, label) = match custodians.get(i) {
            Some(c) => (
                format!("share-{}-of-{n}-{}.age", s.index, c.label),
                zeroize::Zeroizing::new(custody::encrypt_to(c, text.as_bytes())?),
                Some(c.label.clone()),
            ),
            None => (
                format!("share-{}-of-{n}.txt", s.index),
                // A clear share: wiped from memory once written.
                zeroize::Zeroizing::new(text.as_bytes().to_vec()),
                None,
            ),
        };
        let path = out.join(name);
        batch.write_new(&path, &bytes, SECRET_MODE)?;
        files.push(ShareFile {
            index: s.index,
            path,
            custodian: label,
        });
    }
    batch.commit()?;
    Ok(SplitReport {
        split: shares[0].split.clone(),
        threshold: k,
        shares: n,
        files,
        encrypted: !custodians.is_empty(),
        warnings,
    })
}

/// Print a split report.
pub fn print_split(ctx: &Ctx, rep: &SplitReport, what: &str) -> Result<u8> {
    let p = &ctx.printer;
    for w in &rep.warnings {
        p.note(w);
    }
    if p.is_json() {
        p.json(rep)?;
        return Ok(0);
    }
    p.line(&format!(
        "{what} {} shares, any {} of which restore it (split {}{})",
        rep.shares,
        rep.threshold,
        rep.split,
        if rep.encrypted {
            ", each encrypted to its custodian"
        } else {
            ", NOT encrypted: hand each file to one custodian"
        }
    ))?;
    let rows: Vec<Vec<String>> = rep
        .files
        .iter()
        .map(|f| {
            vec![
                f.index.to_string(),
                f.custodian.clone().unwrap_or_else(|| "-".into()),
                f.path.display().to_string(),
            ]
        })
        .collect();
    p.table(&["SHARE", "CUSTODIAN", "FILE"], &rows)?;
    Ok(0)
}

fn identities(paths: &[PathBuf]) -> Result<Identities> {
    let mut ids = Vec::new();
    for p in paths {
        ids.extend(custody::load_identity(p, &crate::cmd::identity_passphrase)?);
    }
    Ok(ids)
}

/// Read one share from text or an age file.
fn read_share(name: &str, data: &[u8], ids: &Identities) -> Result<Share> {
    let plain = if custody::is_age(data) {
        if ids.is_empty() {
            return Err(Error::input(
                name,
                "share is encrypted: pass --identity with the custodian's key",
            ));
        }
        custody::decrypt_with(name, data, ids)?
            .ok_or_else(|| Error::input(name, "none of the given identities opens this share"))?
    } else {
        zeroize::Zeroizing::new(data.to_vec())
    };
    let text = std::str::from_utf8(&plain)
        .map_err(|_| Error::input(name, "not a secctl share (binary data)"))?;
    format::decode(text).map_err(|e| Error::input(name, e))
}

/// Load share files, decrypting with identity files where needed.
pub fn load_shares(paths: &[PathBuf], identity_files: &[PathBuf]) -> Result<Vec<(String, Share)>> {
    let ids = identities(identity_files)?;
    let mut out = Vec::new();
    for p in paths {
        let data = zeroize::Zeroizing::new(fsio::read_bytes(p)?);
        if data.is_empty() {
            return Err(Error::path(p, "empty file: not a share"));
        }
        let name = p.display().to_string();
        out.push((name.clone(), read_share(&name, &data, &ids)?));
    }
    Ok(out)
}

/// Combine, mapping refusals to one-line usage errors.
pub fn combine_shares(shares: &[(String, Share)]) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    shares::combine(shares).map_err(|e| match e {
        ShareError::TooFew { .. }
        | ShareError::Duplicate { .. }
        | ShareError::Mixed { .. }
        | ShareError::Commitment(_) => Error::Usage(e.to_string()),
        other => Error::Usage(other.to_string()),
    })
}

fn combine_cmd(ctx: &Ctx, paths: &[PathBuf], identity_files: &[PathBuf], out: &Path) -> Result<u8> {
    if out.exists() {
        return Err(Error::path(
            out,
            "already exists (the secret is never written over a file)",
        ));
    }
    // The secret goes into this directory: no other user may be able to write there.
    match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => ctx.store.files().check_dir(d)?,
        None => ctx.store.files().check_dir(Path::new("."))?,
    }
    let shares = if paths.is_empty() {
        ceremony(ctx, identity_files)?
    } else {
        load_shares(paths, identity_files)?
    };
    let secret = combine_shares(&shares)?;
    if let Some(d) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !d.is_dir() {
            return Err(Error::path(d, "no such directory"));
        }
    }
    fsio::write_new_atomic(out, &secret, SECRET_MODE)?;
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&serde_json::json!({
            "out": out,
            "bytes": secret.len(),
            "split": shares[0].1.split,
            "shares_used": shares.len(),
        }))?;
    } else {
        p.line(&format!(
            "restored the secret of split {} from {} shares into {} ({} bytes, mode 0600)",
            shares[0].1.split,
            shares.len(),
            out.display(),
            secret.len()
        ))?;
    }
    Ok(0)
}

/// Custodians paste their shares one by one on a terminal.
fn ceremony(ctx: &Ctx, identity_files: &[PathBuf]) -> Result<Vec<(String, Share)>> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::Usage(
            "no SHARE files given and no terminal to paste them on: pass the share files".into(),
        ));
    }
    let ids = identities(identity_files)?;
    let p = &ctx.printer;
    let mut got: Vec<(String, Share)> = Vec::new();
    let stdin = std::io::stdin();
    // A pasted share is never echoed: the next custodian at this terminal must not see it
    // (nor the scrollback keep it). The terminal is restored when the ceremony ends.
    let _hidden = NoEcho::new(&stdin);
    let mut lines = stdin.lock().lines();
    loop {
        let need = got.first().map(|(_, s)| s.threshold as usize);
        match need {
            Some(k) if got.len() >= k => return Ok(got),
            Some(k) => p.note(&format!(
                "{} of {k} shares; paste the next one (ends with its END line)",
                got.len()
            )),
            None => p.note(
                "paste the first share (from BEGIN to END line; Ctrl-D to give up); \
                 what you paste is not shown",
            ),
        }
        let mut text = zeroize::Zeroizing::new(String::new());
        loop {
            let Some(Ok(line)) = lines.next() else {
                return Err(Error::Usage(format!(
                    "input ended with {} share(s): not enough",
                    got.len()
                )));
            };
            text.push_str(&line);
            text.push('\n');
            if line.trim_start().starts_with("-----END") {
                break;
            }
        }
        p.note(&format!(
            "received {} lines (not shown)",
            text.lines().count()
        ));
        let name = format!("pasted share #{}", got.len() + 1);
        match read_share(&name, text.as_bytes(), &ids) {
            Ok(s) => {
                if let Some((_, f)) = got.first() {
                    if f.split != s.split {
                        p.note(&format!(
                            "{name} is from another split ({}): ignored",
                            s.split
                        ));
                        continue;
                    }
                }
                if got.iter().any(|(_, g)| g.index == s.index) {
                    p.note(&format!("{name} repeats share {}: ignored", s.index));
                    continue;
                }
                p.note(&format!("accepted share {} of split {}", s.index, s.split));
                got.push((name, s));
            }
            Err(e) => p.note(&format!("{e}; paste it again")),
        }
    }
}

/// Terminal echo turned off on stdin while alive (hidden input, as a password prompt);
/// the previous settings are restored on drop. Does nothing off a terminal.
struct NoEcho {
    saved: Option<rustix::termios::Termios>,
}

impl NoEcho {
    fn new(stdin: &std::io::Stdin) -> NoEcho {
        use rustix::termios::{tcgetattr, tcsetattr, LocalModes, OptionalActions};
        let Ok(saved) = tcgetattr(stdin) else {
            return NoEcho { saved: None };
        };
        let mut t = saved.clone();
        t.local_modes.remove(LocalModes::ECHO);
        match tcsetattr(stdin, OptionalActions::Now, &t) {
            Ok(()) => NoEcho { saved: Some(saved) },
            Err(_) => NoEcho { saved: None },
        }
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        if let Some(s) = &self.saved {
            let _ = rustix::termios::tcsetattr(
                std::io::stdin(),
                rustix::termios::OptionalActions::Now,
                s,
            );
        }
    }
}
