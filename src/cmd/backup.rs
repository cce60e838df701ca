//! `secctl backup init|create|restore`: the Relaycorp answer to a lost bucket. Backups are
//! encrypted to a key whose private half exists only as K-of-N shares held by custodians.
//!
//! Encryption to a public key authenticates nobody, so every backup also carries an
//! HMAC-SHA256 over its manifest, keyed by a key derived (HKDF-SHA256) from the backup
//! private key. `backup init` holds that private key for a moment and leaves the derived MAC
//! key in `DIR/backup.auth` (0600); `backup restore` derives it again from the custodians'
//! shares and checks the MAC before anything is parsed or installed. Whoever holds only
//! `backup.pub` (and even genuine shares, which restore but do not sign) cannot make a
//! backup that restores.
//!
//! The plaintext inside the age file (format 2):
//!
//! ```text
//! secctl-backup v2 hmac-sha256 <64 hex digits>\n
//! {"format":"secctl-backup","version":2,"created":...,"backup_key_sha256":...,"entries":[...]}
//! ```
//!
//! The MAC covers `secctl-backup v2\n` followed by the JSON bytes.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
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
/// The MAC key of backups (0600), derived from the backup private key at `backup init`.
const AUTH_FILE: &str = "backup.auth";
/// The pinned fingerprint of `backup.pub` (in the 0700 `ca/` directory, beside the CA keys).
const PIN_FILE: &str = "ca/backup.pin";
/// First line of a format-2 backup, before the MAC.
const MAGIC_V2: &str = "secctl-backup v2";

/// SHA-256 fingerprint of a backup public key (the recipient string), as shown to users.
pub fn backup_key_fingerprint(recipient: &str) -> String {
    format!("SHA256:{}", sha256_hex(recipient.trim().as_bytes()))
}

struct MacLen;
impl ring::hkdf::KeyType for MacLen {
    fn len(&self) -> usize {
        32
    }
}

/// The backup MAC key: HKDF-SHA256 of the backup private key (its `AGE-SECRET-KEY-1...`
/// text), bound to the public key.
fn derive_mac_key(identity_secret: &[u8], recipient: &str) -> Result<Zeroizing<[u8; 32]>> {
    let salt = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, b"secctl backup authentication v1");
    let prk = salt.extract(identity_secret);
    let info = [recipient.trim().as_bytes()];
    let okm = prk.expand(&info, MacLen).map_err(Error::internal)?;
    let mut key = Zeroizing::new([0u8; 32]);
    okm.fill(&mut key[..]).map_err(Error::internal)?;
    Ok(key)
}

/// What `backup.auth` holds.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthFile {
    version: u32,
    /// Fingerprint of the backup public key this MAC key belongs to.
    backup_key_sha256: String,
    /// The MAC key, hex.
    mac_key: String,
}

fn auth_text(fingerprint: &str, key: &[u8; 32]) -> Result<Zeroizing<String>> {
    let a = AuthFile {
        version: 1,
        backup_key_sha256: fingerprint.to_string(),
        mac_key: hex::encode(key),
    };
    Ok(Zeroizing::new(
        serde_json::to_string_pretty(&a).map_err(Error::internal)? + "\n",
    ))
}

fn mac_input(body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(MAGIC_V2.len() + 1 + body.len());
    m.extend_from_slice(MAGIC_V2.as_bytes());
    m.push(b'\n');
    m.extend_from_slice(body);
    m
}

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
        BackupCommand::Create {
            out,
            accept_new_backup_key,
        } => create(ctx, out, accept_new_backup_key),
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
    let fingerprint = backup_key_fingerprint(&recipient);
    let mac_key = derive_mac_key(&secret, &recipient)?;
    let rep = key::split_to_files(store, &secret, k, n, to, &out)?;
    drop(secret);
    drop(identity);
    let mut batch = store.batch();
    batch.write(
        &store.path(AUTH_FILE),
        auth_text(&fingerprint, &mac_key)?.as_bytes(),
        SECRET_MODE,
    )?;
    store.files().ensure_dir(&store.ca_dir())?;
    batch.write(
        &store.path(PIN_FILE),
        format!("{fingerprint}\n").as_bytes(),
        SECRET_MODE,
    )?;
    batch.write(&pub_path, format!("{recipient}\n").as_bytes(), PUBLIC_MODE)?;
    batch.commit()?;
    if !ctx.printer.is_json() {
        ctx.printer.line(&format!(
            "backup public key {recipient} ({fingerprint}) written to {}",
            pub_path.display()
        ))?;
    }
    key::print_split(ctx, &rep, "backup private key split into")
}

/// One file or directory of the archive. Its base64 contents (CA keys among them) are
/// wiped when the entry is dropped.
#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    mode: u32,
    sha256: String,
    /// base64 of the contents; absent for directories.
    data: Option<String>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(d) = &mut self.data {
            zeroize::Zeroize::zeroize(d);
        }
    }
}

/// The manifest of a backup: every file and directory of the state directory.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    format: String,
    version: u32,
    created: String,
    /// Fingerprint of the backup key the archive was made for.
    backup_key_sha256: String,
    entries: Vec<Entry>,
}

/// Split a decrypted backup into its MAC and the manifest bytes it covers. A format-1
/// backup (bare JSON, made before backups were authenticated) is refused with its reason.
pub fn split_sealed(plain: &[u8]) -> std::result::Result<([u8; 32], &[u8]), String> {
    if plain.first() == Some(&b'{') {
        return Err("made by an older secctl (backup format 1), which did not authenticate backups: \
             anyone holding backup.pub could have made it, so it is not restored (see docs/commands/backup.md)"
            .into());
    }
    let nl = plain
        .iter()
        .position(|&b| b == b'\n')
        .ok_or("not a secctl backup (no header line)")?;
    let header =
        std::str::from_utf8(&plain[..nl]).map_err(|_| "not a secctl backup (binary header)")?;
    let rest = header
        .strip_prefix(MAGIC_V2)
        .and_then(|r| r.strip_prefix(" hmac-sha256 "))
        .ok_or("not a secctl backup (unknown header)")?;
    let mac: [u8; 32] = hex::decode(rest)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or("not a secctl backup (malformed MAC in the header)")?;
    Ok((mac, &plain[nl + 1..]))
}

/// Parse and check a manifest (after its MAC was verified): format, version, every path
/// relative and inside the target, every entry's base64 and SHA-256. Returns what to
/// restore, keyed by relative path.
pub fn parse_manifest(
    body: &[u8],
) -> std::result::Result<(Archive, BTreeMap<PathBuf, Planned>), String> {
    // serde's message may quote the input (an unknown field name, with newlines or escape
    // sequences in it): only its category and position are shown.
    let archive: Archive = serde_json::from_slice(body).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Io => "unreadable",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "unexpected content",
            serde_json::error::Category::Eof => "truncated",
        };
        format!(
            "corrupted backup archive ({what} at line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    if archive.format != "secctl-backup" || archive.version != 2 {
        return Err("not a secctl backup (format or version)".into());
    }
    let mut plan: BTreeMap<PathBuf, Planned> = BTreeMap::new();
    for e in &archive.entries {
        let rel =
            safe_rel(&e.path).ok_or_else(|| format!("unsafe path in archive: {:?}", e.path))?;
        let data = match &e.data {
            Some(b64) => {
                let d = Zeroizing::new(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .map_err(|_| format!("corrupted entry {:?}", e.path))?,
                );
                if sha256_hex(&d) != e.sha256 {
                    return Err(format!("manifest hash mismatch for {:?}", e.path));
                }
                Some(d)
            }
            None => None,
        };
        if plan
            .insert(rel, (restored_mode(&e.path, data.is_none()), data))
            .is_some()
        {
            return Err(format!("entry {:?} appears twice", e.path));
        }
    }
    Ok((archive, plan))
}

/// The mode a restored entry gets, whatever the archive says: directories 0700; files 0644
/// only for public kinds (certificates, CRLs, records, the log, backup.pub, the name index,
/// the digests of delivered bundles and roots),
/// everything else (keys, encrypted keys, pins, anything unknown) 0600.
fn restored_mode(path: &str, dir: bool) -> u32 {
    if dir {
        return fsio::DIR_MODE;
    }
    let public = Path::new(path)
        .extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| matches!(x, "crt" | "pem" | "json" | "log" | "pub" | "delivered"))
        || path.starts_with("names/");
    if public {
        PUBLIC_MODE
    } else {
        SECRET_MODE
    }
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, b).as_ref())
}

fn collect(files: &fsio::StateDir, root: &Path, dir: &Path, out: &mut Vec<Entry>) -> Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(format!("reading {}", dir.display()), e))?
        .filter_map(|e| e.ok())
        .collect();
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == ".lock"
            || name == ".writing"
            || (name.starts_with('.') && name.ends_with(".tmp"))
            || (dir == root && name == AUTH_FILE)
        {
            // The MAC key is not in the backup: restore derives it from the shares.
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
            collect(files, root, &p, out)?;
        } else if meta.is_file() {
            let data = Zeroizing::new(files.read_bytes(&p)?);
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

fn create(ctx: &Ctx, out: Option<PathBuf>, accept_new: bool) -> Result<u8> {
    let store = &ctx.store;
    store.config()?;
    let (pub_path, recipient) = backup_recipient(store)?;
    let fingerprint = backup_key_fingerprint(&recipient.to_string());
    let mac_key = read_mac_key(store, &pub_path, &fingerprint)?;
    let pin_path = store.path(PIN_FILE);
    let pinned = if pin_path.exists() {
        Some(store.files().read_text(&pin_path)?.trim().to_string())
    } else {
        None
    };
    let repin = match &pinned {
        Some(p) if *p == fingerprint => false,
        Some(p) if !accept_new => {
            return Err(Error::path(
                &pub_path,
                format!(
                    "backup key changed: pinned {p}, now {fingerprint}; someone may have replaced it to read the next backup. \
                     If the custodians confirm the new fingerprint, pass --accept-new-backup-key"
                ),
            ));
        }
        _ => true,
    };
    let now = time::OffsetDateTime::now_utc();
    let out = out.unwrap_or_else(|| {
        PathBuf::from(format!(
            "secctl-backup-{}.age",
            crate::output::file_stamp(now)
        ))
    });
    if out.exists() {
        return Err(Error::path(&out, "already exists"));
    }
    let _lock = store.lock()?;
    if repin {
        store.files().ensure_dir(&store.ca_dir())?;
        fsio::write_atomic(
            &pin_path,
            format!("{fingerprint}\n").as_bytes(),
            SECRET_MODE,
        )?;
    }
    let mut entries = Vec::new();
    collect(store.files(), store.root(), store.root(), &mut entries)?;
    let files = entries.iter().filter(|e| e.data.is_some()).count();
    let archive = Archive {
        format: "secctl-backup".into(),
        version: 2,
        created: crate::output::fmt_time(now),
        backup_key_sha256: fingerprint.clone(),
        entries,
    };
    let sealed = seal(archive, &mac_key, &recipient)?;
    fsio::write_new_atomic(&out, &sealed, SECRET_MODE)?;
    let p = &ctx.printer;
    let report = serde_json::json!({
        "out": out,
        "files": files,
        "bytes": sealed.len(),
        "sha256": sha256_hex(&sealed),
        "recipient": recipient.to_string(),
        "backup_key_sha256": fingerprint,
        "pinned": repin,
    });
    if p.is_json() {
        p.json(&report)?;
    } else {
        if repin && pinned.is_some() {
            p.note(&format!(
                "backup key {fingerprint} pinned in place of {}",
                pinned.unwrap_or_default()
            ));
        } else if repin {
            p.note(&format!(
                "backup key {fingerprint} pinned (first backup with this key)"
            ));
        }
        p.line(&format!(
            "backed up {files} files of {} into {} ({} bytes, encrypted to {recipient}, backup key {fingerprint}, authenticated)",
            store.name(),
            out.display(),
            sealed.len()
        ))?;
    }
    Ok(0)
}

/// The backup public key of the state (`backup.pub`) and where it is.
fn backup_recipient(store: &crate::pki::store::Store) -> Result<(PathBuf, age::x25519::Recipient)> {
    let pub_path = store.path(PUB_FILE);
    if !pub_path.exists() {
        return Err(Error::Usage(format!(
            "no backup key in {}: run `secctl backup init` first",
            store.name()
        )));
    }
    let text = store.files().read_text(&pub_path)?;
    let recipient: age::x25519::Recipient = text
        .trim()
        .parse()
        .map_err(|_| Error::path(&pub_path, "not an age public key (age1...)"))?;
    Ok((pub_path, recipient))
}

/// The MAC key of backups (`backup.auth`), which belongs to exactly the backup public key
/// `fingerprint` (read from `pub_path`).
fn read_mac_key(
    store: &crate::pki::store::Store,
    pub_path: &Path,
    fingerprint: &str,
) -> Result<Zeroizing<[u8; 32]>> {
    let auth_path = store.path(AUTH_FILE);
    if !auth_path.exists() && store.is_shared() {
        return Err(Error::input(
            store.name(),
            "the backup authentication key is not on this machine: on etcd it stays on the \
             machine that ran `secctl backup init` (run `backup create` there, or \
             `backup init --force` here: new shares for the custodians)",
        ));
    }
    if !auth_path.exists() {
        return Err(Error::path(
            &auth_path,
            "missing: this backup key was made by an older secctl, whose backups cannot be authenticated; \
             run `secctl backup init --force` (new shares for the custodians)",
        ));
    }
    let auth_text = Zeroizing::new(store.files().read_text(&auth_path)?);
    let auth: AuthFile = serde_json::from_str(&auth_text)
        .map_err(|_| Error::path(&auth_path, "corrupted backup authentication key"))?;
    let mac_key: Zeroizing<[u8; 32]> = Zeroizing::new(
        hex::decode(&auth.mac_key)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| Error::path(&auth_path, "corrupted backup authentication key"))?,
    );
    if auth.backup_key_sha256 != fingerprint {
        return Err(Error::path(
            pub_path,
            format!(
                "backup key {fingerprint} is not the one {} belongs to ({}): backup.pub was replaced; \
                 run `secctl backup init --force` if a new backup key is wanted",
                auth_path.display(),
                auth.backup_key_sha256
            ),
        ));
    }
    Ok(mac_key)
}

/// The backup file: the first line with the MAC of the archive's JSON, then the JSON,
/// encrypted to `recipient`.
fn seal(
    archive: Archive,
    mac_key: &[u8; 32],
    recipient: &age::x25519::Recipient,
) -> Result<Vec<u8>> {
    let body = Zeroizing::new(serde_json::to_vec(&archive).map_err(Error::internal)?);
    drop(archive);
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &mac_key[..]),
        &Zeroizing::new(mac_input(&body)),
    );
    let mut json = Zeroizing::new(
        format!("{MAGIC_V2} hmac-sha256 {}\n", hex::encode(tag.as_ref())).into_bytes(),
    );
    json.extend_from_slice(&body);
    drop(body);
    let enc = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
        .map_err(Error::internal)?;
    let mut sealed = Vec::new();
    let mut w = enc.wrap_output(&mut sealed).map_err(Error::internal)?;
    w.write_all(&json).map_err(Error::internal)?;
    w.finish().map_err(Error::internal)?;
    Ok(sealed)
}

/// A file or directory to restore: its mode, and its contents (None for a directory).
pub type Planned = (u32, Option<Zeroizing<Vec<u8>>>);

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
    let files = ctx.store.files();
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
    files.check_dir(to)?;
    let sealed = files.read_bytes(file)?;
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
    let recipient = identity.to_public().to_string();
    let mac_key = derive_mac_key(id_text.trim().as_bytes(), &recipient)?;
    drop(id_text);
    let ids: Vec<Box<dyn age::Identity + Send + Sync>> = vec![Box::new(identity)];
    let plain = crate::shares::custody::decrypt_with(&file.display().to_string(), &sealed, &ids)?
        .ok_or_else(|| {
        Error::path(
            file,
            "these shares are not of the key this backup was made for",
        )
    })?;
    // Authenticate before parsing anything of the manifest.
    let (mac, body) = split_sealed(&plain).map_err(|e| Error::path(file, e))?;
    ring::hmac::verify(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &mac_key[..]),
        &Zeroizing::new(mac_input(body)),
        &mac,
    )
    .map_err(|_| {
        Error::path(
            file,
            "backup authentication failed: not made by `secctl backup create` with this backup key \
             (forged with backup.pub, or altered); nothing restored",
        )
    })?;
    let (archive, plan) = parse_manifest(body).map_err(|e| Error::path(file, e))?;
    if archive.backup_key_sha256 != backup_key_fingerprint(&recipient) {
        return Err(Error::path(
            file,
            "made for another backup key; nothing restored",
        ));
    }
    let fingerprint = backup_key_fingerprint(&recipient);
    let auth = auth_text(&fingerprint, &mac_key)?;
    // Restore into a fresh sibling directory with a random name, created exclusively (0700),
    // then move it into place: never half a restore in `to`, never a directory prepared by
    // someone else.
    let parent = to
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = parent.join(format!(".secctl-restore-{}", random_hex()));
    fsio::register_temp(&staging);
    let result = (|| {
        std::fs::DirBuilder::new()
            .mode(fsio::DIR_MODE)
            .create(&staging)
            .map_err(|e| {
                Error::io(
                    format!("creating staging directory {}", staging.display()),
                    e,
                )
            })?;
        for (rel, (mode, data)) in &plan {
            let dest = staging.join(rel);
            match data {
                None => {
                    files.ensure_dir(&dest)?;
                    std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(*mode))
                        .map_err(|e| Error::io(format!("setting mode of {}", dest.display()), e))?;
                }
                Some(d) => {
                    if let Some(dir) = dest.parent() {
                        files.ensure_dir(dir)?;
                    }
                    fsio::write_atomic(&dest, d, *mode)?;
                }
            }
        }
        // The MAC key again, derived from the shares: later backups keep working.
        fsio::write_atomic(&staging.join(AUTH_FILE), auth.as_bytes(), SECRET_MODE)?;
        fsio::test_pause("restore-staged");
        if to.exists() {
            std::fs::remove_dir(to)
                .map_err(|e| Error::io(format!("replacing empty {}", to.display()), e))?;
        }
        std::fs::rename(&staging, to)
            .map_err(|e| Error::io(format!("moving the restore into {}", to.display()), e))?;
        fsio::unregister_temp(&staging);
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io(format!("setting mode of {}", to.display()), e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    fsio::unregister_temp(&staging);
    result?;
    let files = plan.values().filter(|(_, d)| d.is_some()).count();
    let p = &ctx.printer;
    if p.is_json() {
        p.json(&serde_json::json!({ "to": to, "files": files, "created": archive.created }))?;
    } else {
        p.line(&format!(
            "restored {files} files (backup of {}) into {}, authenticated by the backup key, every hash checked",
            archive.created,
            to.display()
        ))?;
    }
    Ok(0)
}

/// 16 random hex digits (staging directory names).
fn random_hex() -> String {
    let mut b = [0u8; 8];
    // A failing RNG leaves zeros: the exclusive mkdir still refuses an existing name.
    let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut b);
    hex::encode(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_errors_never_quote_the_input() {
        // Found by the backup_manifest fuzz target: an unknown field name with a newline.
        let body = b"{\"format\":\"secctl-backup\",\"f\\n\\u001b[2J\":1}";
        let e = parse_manifest(body).err().unwrap();
        assert!(!e.contains('\n') && !e.contains('\u{1b}'), "{e:?}");
        assert!(
            e.starts_with("corrupted backup archive (unexpected content at line 1"),
            "{e}"
        );
        let e = split_sealed(b"secctl-backup v2 hmac-sha256 00\n")
            .err()
            .unwrap();
        assert!(e.contains("malformed MAC"), "{e}");
        assert!(split_sealed(b"{\"format\":1}")
            .err()
            .unwrap()
            .contains("format 1"));
    }
}
