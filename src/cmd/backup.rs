//! `secctl backup init|create|restore`: the Relaycorp answer to a lost bucket. Backups are
//! encrypted to a key whose private half exists only as K-of-N shares held by custodians.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Component, Path, PathBuf};

use age::secrecy::ExposeSecret;
use base64::Engine;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::cli::BackupCommand;
use crate::cmd::key;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::pki::fsio::{self, PUBLIC_MODE, SECRET_MODE};

const PUB_FILE: &str = "backup.pub";

/// Dispatch `backup` subcommands.
pub fn run(ctx: &Ctx, cmd: BackupCommand) -> Result<u8> {
    match cmd {
        BackupCommand::Init {
            threshold,
            shares,
            to,
            out,
            force,
        } => init(ctx, threshold, shares, &to, out, force),
        BackupCommand::Create { out } => create(ctx, out),
        BackupCommand::Restore {
            file,
            shares,
            identities,
            to,
        } => restore(ctx, &file, &shares, &identities, &to),
    }
}

fn init(
    ctx: &Ctx,
    k: u8,
    n: u8,
    to: &crate::cli::RecipientArgs,
    out: Option<PathBuf>,
    force: bool,
) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let pub_path = store.path(PUB_FILE);
    if pub_path.exists() && !force {
        return Err(Error::path(
            &pub_path,
            "a backup key already exists (pass --force to make a new one)",
        ));
    }
    if to.recipients.is_empty() && to.recipients_file.is_none() {
        return Err(Error::Usage(
            "backup init needs one --recipient (or --recipients-file) per custodian: the shares of the backup key must not be left in clear".into(),
        ));
    }
    // The whole private key exists only here, in memory, and leaves as shares.
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let secret = Zeroizing::new(identity.to_string().expose_secret().as_bytes().to_vec());
    let out = out.unwrap_or_else(|| PathBuf::from(format!("backup-shares-{}", &recipient[4..16])));
    let state = std::path::absolute(store.root()).unwrap_or_else(|_| store.root().to_path_buf());
    if std::path::absolute(&out).is_ok_and(|o| o.starts_with(&state)) {
        return Err(Error::path(
            &out,
            "is inside the state directory: shares must live elsewhere",
        ));
    }
    let _lock = store.lock()?;
    let rep = key::split_to_files(&secret, k, n, to, &out)?;
    drop(secret);
    drop(identity);
    fsio::write_atomic(&pub_path, format!("{recipient}\n").as_bytes(), PUBLIC_MODE)?;
    if !ctx.printer.is_json() {
        ctx.printer.line(&format!(
            "backup public key {recipient} written to {}",
            pub_path.display()
        ))?;
    }
    key::print_split(ctx, &rep, "backup private key split into")
}

#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    mode: u32,
    sha256: String,
    /// base64 of the contents; absent for directories.
    data: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Archive {
    format: String,
    version: u32,
    created: String,
    entries: Vec<Entry>,
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, b).as_ref())
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<Entry>) -> Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("reading {}", dir.display()), e))?
        .filter_map(|e| e.ok())
        .collect();
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == ".lock" || (name.starts_with('.') && name.ends_with(".tmp")) {
            continue;
        }
        let meta = std::fs::symlink_metadata(&p)
            .map_err(|e| Error::io(format!("reading {}", p.display()), e))?;
        let rel = p
            .strip_prefix(root)
            .map_err(Error::internal)?
            .to_string_lossy()
            .into_owned();
        let mode = meta.permissions().mode() & 0o7777;
        if meta.is_dir() {
            out.push(Entry {
                path: rel,
                mode,
                sha256: String::new(),
                data: None,
            });
            collect(root, &p, out)?;
        } else if meta.is_file() {
            let data = Zeroizing::new(fsio::read_bytes(&p)?);
            out.push(Entry {
                path: rel,
                mode,
                sha256: sha256_hex(&data),
                data: Some(base64::engine::general_purpose::STANDARD.encode(&*data)),
            });
        }
    }
    Ok(())
}

fn create(ctx: &Ctx, out: Option<PathBuf>) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let pub_path = store.path(PUB_FILE);
    if !pub_path.exists() {
        return Err(Error::Usage(format!(
            "no backup key in {}: run `secctl backup init` first",
            store.root().display()
        )));
    }
    let text = fsio::read_text(&pub_path)?;
    let recipient: age::x25519::Recipient = text
        .trim()
        .parse()
        .map_err(|e| Error::path(&pub_path, format!("not an age public key ({e})")))?;
    let now = time::OffsetDateTime::now_utc();
    let out = out.unwrap_or_else(|| {
        PathBuf::from(format!(
            "secctl-backup-{}.age",
            crate::output::fmt_time(now)
                .replace([':', '-'], "")
                .trim_end_matches('Z')
        ))
    });
    if out.exists() {
        return Err(Error::path(&out, "already exists"));
    }
    let _lock = store.lock()?;
    let mut entries = Vec::new();
    collect(store.root(), store.root(), &mut entries)?;
    let files = entries.iter().filter(|e| e.data.is_some()).count();
    let archive = Archive {
        format: "secctl-backup".into(),
        version: 1,
        created: crate::output::fmt_time(now),
        entries,
    };
    let json = Zeroizing::new(serde_json::to_vec(&archive).map_err(Error::internal)?);
    drop(archive);
    let enc = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(Error::internal)?;
    let mut sealed = Vec::new();
    let mut w = enc.wrap_output(&mut sealed).map_err(Error::internal)?;
    w.write_all(&json).map_err(Error::internal)?;
    w.finish().map_err(Error::internal)?;
    fsio::write_new_atomic(&out, &sealed, SECRET_MODE)?;
    let p = &ctx.printer;
    let report = serde_json::json!({
        "out": out,
        "files": files,
        "bytes": sealed.len(),
        "sha256": sha256_hex(&sealed),
        "recipient": recipient.to_string(),
    });
    if p.is_json() {
        p.json(&report)?;
    } else {
        p.line(&format!(
            "backed up {files} files of {} into {} ({} bytes, encrypted to {recipient})",
            store.root().display(),
            out.display(),
            sealed.len()
        ))?;
    }
    Ok(0)
}

/// A file or directory to restore: its mode, and its contents (None for a directory).
type Planned = (u32, Option<Zeroizing<Vec<u8>>>);

fn safe_rel(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    (!path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_))))
        .then(|| p.to_path_buf())
}

fn restore(
    ctx: &Ctx,
    file: &Path,
    share_files: &[PathBuf],
    identity_files: &[PathBuf],
    to: &Path,
) -> Result<u8> {
    if to.exists()
        && std::fs::read_dir(to)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::path(
            to,
            "exists and is not an empty directory: restore only into an empty one",
        ));
    }
    let sealed = fsio::read_bytes(file)?;
    if sealed.is_empty() {
        return Err(Error::path(file, "empty file: not a secctl backup"));
    }
    if !crate::shares::custody::is_age(&sealed) {
        return Err(Error::path(file, "not a secctl backup (not an age file)"));
    }
    let shares = key::load_shares(share_files, identity_files)?;
    let share_names = share_files
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let not_a_key = || {
        Error::Usage(format!(
            "{share_names}: these shares do not hold a backup key (not an age identity)"
        ))
    };
    let secret = key::combine_shares(&shares)?;
    let id_text = Zeroizing::new(String::from_utf8(secret.to_vec()).map_err(|_| not_a_key())?);
    let identity: age::x25519::Identity = id_text.trim().parse().map_err(|_| not_a_key())?;
    drop(id_text);
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(identity)];
    let json = crate::shares::custody::decrypt_with(&file.display().to_string(), &sealed, &ids)?
        .ok_or_else(|| {
            Error::path(
                file,
                "these shares are not of the key this backup was made for",
            )
        })?;
    let archive: Archive = serde_json::from_slice(&json)
        .map_err(|e| Error::path(file, format!("corrupted backup archive ({e})")))?;
    if archive.format != "secctl-backup" || archive.version != 1 {
        return Err(Error::path(file, "not a secctl backup (format or version)"));
    }
    // Check everything before writing anything.
    let mut plan: BTreeMap<PathBuf, Planned> = BTreeMap::new();
    for e in &archive.entries {
        let rel = safe_rel(&e.path)
            .ok_or_else(|| Error::path(file, format!("unsafe path in archive: {:?}", e.path)))?;
        let data = match &e.data {
            Some(b64) => {
                let d = Zeroizing::new(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|_| Error::path(file, format!("corrupted entry {}", e.path)))?,
                );
                if sha256_hex(&d) != e.sha256 {
                    return Err(Error::path(
                        file,
                        format!("manifest hash mismatch for {}", e.path),
                    ));
                }
                Some(d)
            }
            None => None,
        };
        plan.insert(rel, (e.mode & 0o777, data));
    }
    // Restore into a sibling, then move it into place: never half a restore in `to`.
    let parent = to
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = parent.join(format!(".secctl-restore-{}", std::process::id()));
    let result = (|| {
        fsio::ensure_dir(&staging)?;
        for (rel, (mode, data)) in &plan {
            let dest = staging.join(rel);
            match data {
                None => {
                    fsio::ensure_dir(&dest)?;
                    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(*mode))
                        .map_err(|e| Error::io(format!("setting mode of {}", dest.display()), e))?;
                }
                Some(d) => {
                    if let Some(dir) = dest.parent() {
                        fsio::ensure_dir(dir)?;
                    }
                    fsio::write_atomic(&dest, d, *mode)?;
                }
            }
        }
        if to.exists() {
            std::fs::remove_dir(to)
                .map_err(|e| Error::io(format!("replacing empty {}", to.display()), e))?;
        }
        std::fs::rename(&staging, to)
            .map_err(|e| Error::io(format!("moving the restore into {}", to.display()), e))?;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(format!("setting mode of {}", to.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result?;
    let files = plan.values().filter(|(_, d)| d.is_some()).count();
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&serde_json::json!({ "to": to, "files": files, "created": archive.created }))?;
    } else {
        p.line(&format!(
            "restored {files} files (backup of {}) into {}, every hash checked",
            archive.created,
            to.display()
        ))?;
    }
    Ok(0)
}
