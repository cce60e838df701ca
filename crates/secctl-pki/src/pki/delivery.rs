//! What secctl hands out into output directories: owner, group and modes of the delivered
//! files, when an existing `ca.crt` may be replaced, and bringing the trust bundle of every
//! output directory up to date after it changed (`ca rotate`).

use std::collections::{HashMap, HashSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::pki::fsio::{self, Owner, PUBLIC_MODE, SECRET_MODE};
use crate::pki::store::{Record, Store};

/// Owner, group and modes of the files delivered into one output directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// Owner and group of the key, the certificate and `ca.crt` (None: the writer's).
    pub owner: Owner,
    /// Mode of the certificate and of `ca.crt` (default 0644).
    pub cert_mode: u32,
    /// Mode of the key (default 0600); never readable by others.
    pub key_mode: u32,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            owner: Owner::default(),
            cert_mode: PUBLIC_MODE,
            key_mode: SECRET_MODE,
        }
    }
}

impl Delivery {
    /// Give the output directory what the owner and group need to reach their files: the
    /// group (and `g+rx`) when a group is set, else `o+x` when only an owner is set. The
    /// directory stays owned by the writer, so it is still one no other user can write.
    pub fn prepare_dir(&self, dir: &Path) -> Result<()> {
        if self.owner.is_none() {
            return Ok(());
        }
        let m = std::fs::metadata(dir).map_err(|e| Error::read(dir, e))?;
        let mut mode = m.mode() & 0o7777;
        if let Some(gid) = self.owner.gid {
            if m.gid() != gid {
                rustix::fs::chown(
                    dir,
                    None,
                    Some(rustix::process::Gid::from_raw_unchecked(gid)),
                )
                .map_err(|e| {
                    Error::io(
                        format!("setting group {gid} of {}", dir.display()),
                        e.into(),
                    )
                })?;
            }
            mode |= 0o050;
        } else {
            mode |= 0o001;
        }
        if mode != m.mode() & 0o7777 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io(format!("setting mode of {}", dir.display()), e))?;
        }
        Ok(())
    }

    /// Why the delivered file `p` (the key when `key`) has another mode or owner than this
    /// delivery asks for; None when it has the right ones (or cannot be read: the caller
    /// finds that out itself).
    pub fn mismatch(&self, p: &Path, key: bool) -> Option<String> {
        let m = std::fs::symlink_metadata(p).ok()?;
        let want = if key { self.key_mode } else { self.cert_mode };
        let have = m.mode() & 0o7777;
        if have != want {
            return Some(format!(
                "{} has mode {have:04o}, the inventory wants {want:04o}",
                p.display()
            ));
        }
        if let Some(uid) = self.owner.uid.filter(|u| *u != m.uid()) {
            return Some(format!(
                "{} is owned by uid {}, the inventory wants {uid}",
                p.display(),
                m.uid()
            ));
        }
        if let Some(gid) = self.owner.gid.filter(|g| *g != m.gid()) {
            return Some(format!(
                "{} has group gid {}, the inventory wants {gid}",
                p.display(),
                m.gid()
            ));
        }
        None
    }
}

/// Parse a file mode given as an octal string (`"0640"`, `"640"`).
pub fn parse_mode(s: &str) -> std::result::Result<u32, String> {
    let digits = s.strip_prefix("0o").unwrap_or(s);
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return Err(format!(
            "mode {s:?} is not an octal file mode (write it as a string, e.g. \"0640\")"
        ));
    }
    let m = u32::from_str_radix(digits, 8).map_err(|e| e.to_string())?;
    if m & 0o7000 != 0 {
        return Err(format!(
            "mode {s:?}: setuid, setgid and sticky bits are refused"
        ));
    }
    if m & 0o111 != 0 {
        return Err(format!("mode {s:?}: delivered files are not executable"));
    }
    Ok(m)
}

/// Refuse a certificate mode that lets others replace it or that its owner cannot read.
pub fn check_cert_mode(m: u32) -> std::result::Result<(), String> {
    if m & 0o400 == 0 {
        return Err(format!("mode {m:04o}: the owner must be able to read it"));
    }
    if m & 0o022 != 0 {
        return Err(format!(
            "mode {m:04o}: group- or world-writable delivered files are refused"
        ));
    }
    Ok(())
}

/// Refuse a key mode readable by others (world), writable by the group, or that its owner
/// cannot read.
pub fn check_key_mode(m: u32) -> std::result::Result<(), String> {
    if m & 0o007 != 0 {
        return Err(format!(
            "key_mode {m:04o}: a private key readable by every user is refused (at most 0640)"
        ));
    }
    if m & 0o400 == 0 {
        return Err(format!(
            "key_mode {m:04o}: the owner must be able to read it"
        ));
    }
    if m & 0o020 != 0 {
        return Err(format!("key_mode {m:04o}: a group-writable key is refused"));
    }
    Ok(())
}

/// The id of a user or group given by number or by name, looked up in `db`
/// (`/etc/passwd` or `/etc/group`: NSS sources such as LDAP are not consulted).
fn lookup(db: &Path, what: &str, name: &str) -> std::result::Result<u32, String> {
    if let Ok(n) = name.parse::<u32>() {
        return Ok(n);
    }
    let text = std::fs::read_to_string(db).map_err(|e| format!("reading {}: {e}", db.display()))?;
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| {
            let mut f = l.split(':');
            let n = f.next()?;
            let _pw = f.next()?;
            let id = f.next()?;
            (n == name).then(|| id.parse().ok()).flatten()
        })
        .ok_or_else(|| format!("{what} {name:?}: no such {what} in {}", db.display()))
}

/// A user id from a name or a number.
pub fn lookup_user(name: &str) -> std::result::Result<u32, String> {
    lookup(Path::new("/etc/passwd"), "user", name)
}

/// A group id from a name or a number.
pub fn lookup_group(name: &str) -> std::result::Result<u32, String> {
    lookup(Path::new("/etc/group"), "group", name)
}

/// The SHA-256 fingerprints of the roots of every CA generation this state directory
/// records: a `ca.crt` holding only these was written by secctl for this CA.
pub fn known_roots(store: &Store) -> Result<HashSet<String>> {
    Ok(crate::pki::ca::generations(store)?
        .into_iter()
        .map(|g| g.root.sha256_fingerprint)
        .collect())
}

/// What is in an output directory's `ca.crt`, compared with the bundle to deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleState {
    /// No `ca.crt` yet.
    Missing,
    /// The bundle to deliver, byte for byte.
    Current,
    /// An older bundle of this CA (every certificate in it is a root of this state
    /// directory, or is in the bundle to deliver): replaced without asking.
    Ours,
    /// Something else (another CA's roots, not PEM): replaced only with `--force`.
    Foreign(String),
}

/// The bundle to deliver, with the fingerprints of what it holds and of every root this
/// state directory records.
pub struct Bundle {
    /// PEM text.
    pub pem: String,
    /// Fingerprints of its certificates, of every CA generation's root, and of every root
    /// secctl ever delivered from this state directory (`DIR/roots.delivered`).
    pub ours: HashSet<String>,
    /// Fingerprints of its own certificates.
    own: Vec<String>,
    /// Its own certificates (DER).
    own_ders: Vec<Vec<u8>>,
    /// The endorsements the state holds (`ca/endorsements/`): a root new to a node's
    /// installed bundle is delivered only when one of the installed roots endorses it.
    endorsements: Vec<Vec<u8>>,
}

/// `DIR/roots.delivered`: the SHA-256 of every root secctl delivered in a `ca.crt`, one per
/// line, so that a bundle from before `ca retire` (whose root the state directory may no
/// longer hold) is still recognized as this CA's and replaced without `--force`.
fn delivered_roots_path(store: &Store) -> PathBuf {
    store.path("roots.delivered")
}

fn delivered_roots(store: &Store) -> HashSet<String> {
    std::fs::read_to_string(delivered_roots_path(store))
        .map(|t| {
            t.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'))
                .collect()
        })
        .unwrap_or_default()
}

impl Bundle {
    /// The trust bundle of `store` (`DIR/ca.crt`), checked to hold only this CA's roots.
    pub fn load(store: &Store) -> Result<Bundle> {
        let path = store.path("ca.crt");
        let pem = store.files().read_text(&path)?;
        crate::pki::ca::check_bundle(store, &path, &pem)?;
        Bundle::new(store, pem)
    }

    /// `pem` as the bundle to deliver.
    pub fn new(store: &Store, pem: String) -> Result<Bundle> {
        let mut ours = known_roots(store)?;
        ours.extend(delivered_roots(store));
        let own_ders = crate::pki::inspect::parse_pem_certs("ca.crt", &pem)?;
        let own: Vec<String> = own_ders
            .iter()
            .map(|d| crate::pki::inspect::fingerprint(d))
            .collect();
        ours.extend(own.iter().cloned());
        let endorsements = crate::pki::trust::endorsements(store.files(), &store.ca_dir());
        Ok(Bundle {
            pem,
            ours,
            own,
            own_ders,
            endorsements,
        })
    }

    /// Record this bundle's roots in `DIR/roots.delivered` before it is delivered (under
    /// the lock; nothing is written when they are there already).
    pub fn record_delivered(&self, store: &Store) -> Result<()> {
        let have = delivered_roots(store);
        if self.own.iter().all(|f| have.contains(f)) {
            return Ok(());
        }
        let mut all: Vec<&String> = have.iter().chain(&self.own).collect();
        all.sort();
        all.dedup();
        let text: String = all.iter().map(|f| format!("{f}\n")).collect();
        fsio::write_atomic(&delivered_roots_path(store), text.as_bytes(), PUBLIC_MODE)
    }

    /// What `path` holds compared with this bundle.
    pub fn state(&self, path: &Path) -> BundleState {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(_) if path.is_dir() => {
                return BundleState::Foreign(
                    "is not a trust bundle of this CA (a directory, not a bundle)".into(),
                )
            }
            // Missing, or its directory is not one (that item fails when it is written).
            Err(e) if e.kind() != std::io::ErrorKind::PermissionDenied => {
                return BundleState::Missing
            }
            Err(e) => {
                return BundleState::Foreign(format!(
                    "is not a trust bundle of this CA (unreadable: {e})"
                ))
            }
        };
        if bytes == self.pem.as_bytes() {
            return BundleState::Current;
        }
        let Ok(text) = String::from_utf8(bytes) else {
            return BundleState::Foreign(
                "is not a trust bundle of this CA (not a PEM certificate bundle)".into(),
            );
        };
        let ders = match crate::pki::inspect::parse_pem_certs("ca.crt", &text) {
            Ok(d) if !d.is_empty() => d,
            _ => {
                return BundleState::Foreign(
                    "is not a trust bundle of this CA (not a PEM certificate bundle)".into(),
                )
            }
        };
        for der in &ders {
            let fp = crate::pki::inspect::fingerprint(der);
            if !self.ours.contains(&fp) {
                return BundleState::Foreign(format!(
                    "is not a trust bundle of this CA (holds a certificate that is no root of this CA, SHA-256 {fp})"
                ));
            }
        }
        // The node trusts the roots it holds: a root new to it must be endorsed by one of
        // them (as `ca bundle --out` requires of a fetch), or the node would take any root
        // the state hands out.
        let new = crate::pki::trust::unvouched(&self.own_ders, &ders, &self.endorsements);
        if let Some(&i) = new.first() {
            return BundleState::Foreign(format!(
                "holds roots that do not endorse the new root of the bundle (SHA-256 {}): the node would trust a \
                 root nothing it trusts vouches for (a `ca rotate` with the old root key offline, or a root \
                 someone added)",
                crate::pki::inspect::fingerprint(&self.own_ders[i])
            ));
        }
        BundleState::Ours
    }

    /// Refuse (exit 2) to replace a foreign `ca.crt` in `dir` unless `force`.
    pub fn check_replace(&self, dir: &Path, force: bool) -> Result<BundleState> {
        let p = dir.join("ca.crt");
        let st = self.state(&p);
        if let BundleState::Foreign(why) = &st {
            if !force {
                return Err(Error::path(
                    &p,
                    format!(
                        "exists and {why}: refusing to replace it; \
                         pass --force to replace it, or choose another output directory"
                    ),
                ));
            }
        }
        Ok(st)
    }
}

/// The SHA-256 of a bundle, as the delivery marker records it.
fn digest(pem: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, pem.as_bytes()))
}

/// `DIR/bundle.delivered`: the SHA-256 of the bundle every live output directory was last
/// brought to. While it is the current bundle's, nothing needs refreshing (one file read).
fn marker(store: &Store) -> PathBuf {
    store.path("bundle.delivered")
}

/// What [`refresh_bundles`] did.
#[derive(Debug, Default)]
pub struct Refresh {
    /// Output directories whose `ca.crt` was replaced by the current bundle.
    pub written: Vec<PathBuf>,
    /// Output directories left alone, and why (a `ca.crt` that is not this CA's).
    pub skipped: Vec<(PathBuf, String)>,
}

/// The newest unrevoked record of each name.
pub fn live_records(store: &Store) -> Result<HashMap<String, Record>> {
    let revoked: HashSet<String> = crate::revocation::read_log(store)?
        .into_iter()
        .map(|r| r.serial)
        .collect();
    let mut latest: HashMap<String, Record> = HashMap::new();
    if store.is_initialized() {
        for r in store.records()? {
            if !revoked.contains(&r.serial) {
                latest.insert(r.name.clone(), r); // records are sorted oldest first
            }
        }
    }
    Ok(latest)
}

/// After the trust bundle changed: write it into the output directory of the newest live
/// certificate of every name (skipping `done`, already written by the caller), keeping each
/// `ca.crt`'s mode and owner. A `ca.crt` that is not a bundle of this CA is left alone and
/// reported. Runs under the lock. Cheap when nothing changed: the marker
/// `DIR/bundle.delivered` holds the digest of the bundle last delivered everywhere; a state
/// directory without it (made by an older version) is scanned only if it has a previous CA
/// generation.
pub fn refresh_bundles(store: &Store, bundle: &Bundle, done: &[PathBuf]) -> Result<Refresh> {
    refresh_bundles_with(store, bundle, done, None)
}

/// [`refresh_bundles`] with the live records already read by the caller (`apply` has them).
pub fn refresh_bundles_with(
    store: &Store,
    bundle: &Bundle,
    done: &[PathBuf],
    live: Option<&HashMap<String, Record>>,
) -> Result<Refresh> {
    let want = digest(&bundle.pem);
    let m = marker(store);
    let mut out = Refresh::default();
    let scan = match std::fs::read_to_string(&m) {
        Ok(have) => have.trim() != want,
        Err(_) => store.ca_dir().join("previous").is_dir(),
    };
    if scan {
        let done: HashSet<&PathBuf> = done.iter().collect();
        let read;
        let live = match live {
            Some(l) => l,
            None => {
                read = live_records(store)?;
                &read
            }
        };
        let mut dirs: Vec<PathBuf> = live
            .values()
            .map(|r| r.out_dir.clone())
            .filter(|d| !done.contains(d))
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut batch = store.batch();
        let me = rustix::process::geteuid().as_raw();
        for d in dirs {
            let p = d.join("ca.crt");
            match bundle.state(&p) {
                BundleState::Missing | BundleState::Current => {}
                BundleState::Foreign(why) => out.skipped.push((d, why)),
                BundleState::Ours => {
                    let Ok(meta) = std::fs::symlink_metadata(&p) else {
                        continue;
                    };
                    if !meta.is_file() || store.files().check_dir(&d).is_err() {
                        out.skipped
                            .push((d, "not a regular file in a trusted directory".into()));
                        continue;
                    }
                    let owner = Owner {
                        uid: (meta.uid() != me).then_some(meta.uid()),
                        gid: (meta.gid() != rustix::process::getegid().as_raw())
                            .then_some(meta.gid()),
                    };
                    batch.write_owned(&p, bundle.pem.as_bytes(), meta.mode() & 0o777, owner)?;
                    out.written.push(d);
                }
            }
        }
        batch.commit()?;
    }
    if scan || std::fs::symlink_metadata(&m).is_err() {
        fsio::write_atomic(&m, format!("{want}\n").as_bytes(), PUBLIC_MODE)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_table() {
        assert_eq!(parse_mode("0640"), Ok(0o640));
        assert_eq!(parse_mode("644"), Ok(0o644));
        assert_eq!(parse_mode("0o600"), Ok(0o600));
        for bad in ["", "9", "0x644", "rw-r--r--", "04644", "0755", "77777"] {
            assert!(parse_mode(bad).is_err(), "{bad}");
        }
        assert!(check_cert_mode(0o644).is_ok());
        assert!(check_cert_mode(0o440).is_ok());
        assert!(check_cert_mode(0o664).is_err());
        assert!(check_cert_mode(0o046).is_err());
        assert!(check_key_mode(0o600).is_ok());
        assert!(check_key_mode(0o640).is_ok());
        assert!(check_key_mode(0o400).is_ok());
        assert!(check_key_mode(0o644).unwrap_err().contains("every user"));
        assert!(check_key_mode(0o604).is_err());
        assert!(check_key_mode(0o660).is_err());
    }

    #[test]
    fn users_and_groups() {
        assert_eq!(lookup_user("0"), Ok(0));
        assert_eq!(lookup_user("root"), Ok(0));
        assert_eq!(lookup_group("root"), Ok(0));
        assert!(lookup_user("no-such-user-secctl")
            .unwrap_err()
            .contains("no such user"));
    }
}
