//! The state directory: layout, configuration, the advisory lock and issuance records.
//!
//! ```text
//! DIR/secctl.json          cluster name, trust domain, key type, which CA issues
//! DIR/ca.crt               trust bundle (root certificate(s))
//! DIR/ca/root.crt          root CA certificate
//! DIR/ca/root.key[.age]    root CA key (PKCS#8 PEM, or age/scrypt-encrypted)
//! DIR/ca/intermediate.*    the issuing intermediate, when there is one
//! DIR/issued/SERIAL.crt    every issued certificate, named by its random serial
//! DIR/issued/SERIAL.json   one record per issued certificate
//! DIR/names/NAME           the serials issued to NAME, one per line (an index: the records
//!                          are the truth; a serial whose record is missing is ignored)
//! DIR/.writing             present while a writer holds the lock (left by a killed one)
//! DIR/certs/NAME/          default output: NAME.key, NAME.crt (chain), ca.crt
//! DIR/.lock                advisory lock taken by every command that writes
//! ```

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::pki::fsio::{self, PUBLIC_MODE};
use crate::pki::keys::KeyType;

/// Name of the configuration file that marks an initialized state directory.
pub const CONFIG_FILE: &str = "secctl.json";

/// The state directory's configuration, written by `ca init`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Format version of the state directory.
    pub version: u32,
    /// Cluster name: the O of every subject.
    pub cluster: String,
    /// SPIFFE trust domain.
    pub trust_domain: String,
    /// Default key type for issued certificates.
    pub key_type: KeyType,
    /// Whether an intermediate CA does the signing.
    pub intermediate: bool,
    /// Whether the CA keys are passphrase-encrypted.
    pub encrypted: bool,
    /// When the CA was created.
    #[serde(with = "crate::output::rfc3339s")]
    pub created: OffsetDateTime,
}

/// Kind of an issued certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertKind {
    /// serverAuth + clientAuth.
    Node,
    /// clientAuth only.
    Client,
}

impl CertKind {
    /// "node" or "client".
    pub fn as_str(self) -> &'static str {
        match self {
            CertKind::Node => "node",
            CertKind::Client => "client",
        }
    }
}

/// One issued certificate, as recorded in `issued/SERIAL.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// Serial, lowercase hex.
    pub serial: String,
    /// Node or client name (the CN).
    pub name: String,
    /// Node or client.
    pub kind: CertKind,
    /// Role (the OU).
    pub role: String,
    /// SPIFFE id in the URI SAN.
    pub spiffe_id: String,
    /// DNS and IP SANs, as given.
    pub hosts: Vec<String>,
    /// Key algorithm.
    pub key_type: KeyType,
    /// Start of validity.
    #[serde(with = "crate::output::rfc3339s")]
    pub not_before: OffsetDateTime,
    /// End of validity.
    #[serde(with = "crate::output::rfc3339s")]
    pub not_after: OffsetDateTime,
    /// SHA-256 fingerprint of the issuing CA certificate.
    pub issuer_fingerprint: String,
    /// SHA-256 fingerprint of this certificate.
    pub sha256_fingerprint: String,
    /// Directory the key and certificate were written to.
    pub out_dir: PathBuf,
}

/// The PID holding a flock on `f`, from `/proc/locks` (Linux); None elsewhere or when
/// it cannot be told.
fn lock_holder(f: &File) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let ino = f.metadata().ok()?.ino();
    let locks = fs::read_to_string("/proc/locks").ok()?;
    locks.lines().find_map(|l| {
        // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
        let f: Vec<&str> = l.split_whitespace().collect();
        let (kind, pid, dev) = (f.get(1)?, f.get(4)?, f.get(5)?);
        (*kind == "FLOCK" && dev.rsplit(':').next()? == ino.to_string())
            .then(|| pid.parse().ok())
            .flatten()
    })
}

/// An opened state directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Holds the state directory's advisory lock until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    /// `.writing`, removed when the lock is let go.
    mark: Option<PathBuf>,
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Some(m) = self.mark.take() {
            let _ = fs::remove_file(m);
        }
    }
}

impl Store {
    /// A handle on `root`; nothing is read or created yet.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Store { root: root.into() }
    }

    /// The state directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A path inside the state directory.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The CA directory (0700).
    pub fn ca_dir(&self) -> PathBuf {
        self.root.join("ca")
    }

    /// The records directory.
    pub fn issued_dir(&self) -> PathBuf {
        self.root.join("issued")
    }

    /// Refuse a state directory (or its `ca/`, `issued/`) that another user could write,
    /// and from now on open its files without following symbolic links.
    pub fn check_trusted(&self) -> Result<()> {
        fsio::check_dir(&self.root)?;
        fsio::protect_root(&self.root);
        for sub in ["ca", "issued"] {
            let d = self.path(sub);
            if fs::symlink_metadata(&d).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Error::path(
                    &d,
                    "is a symbolic link inside the state directory (never followed)",
                ));
            }
            fsio::check_dir(&d)?;
        }
        Ok(())
    }

    /// Whether a CA has been initialized here.
    pub fn is_initialized(&self) -> bool {
        self.path(CONFIG_FILE).exists()
    }

    /// Create the directory (0700) if needed and take the exclusive lock, waiting for any
    /// other secctl process that holds it.
    ///
    /// The directory must be one no other user could write (see [`fsio::check_dir`]);
    /// `.lock` is opened without following a symbolic link.
    pub fn lock(&self) -> Result<Lock> {
        fsio::ensure_dir(&self.root)?;
        fsio::protect_root(&self.root);
        let p = self.path(".lock");
        let f = fsio::open_nofollow(
            &p,
            rustix::fs::OFlags::CREATE | rustix::fs::OFlags::WRONLY,
            0o600,
        )
        .map_err(|e| match e.raw_os_error() {
            Some(n) if n == rustix::io::Errno::LOOP.raw_os_error() => Error::read(&p, e),
            _ => Error::io(format!("opening lock {}", p.display()), e),
        })?;
        match f.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                // Say who is being waited for (Linux: /proc/locks names the holder).
                let holder = lock_holder(&f).map_or_else(
                    || "another secctl process".to_string(),
                    |pid| format!("PID {pid}"),
                );
                crate::output::note(&format!(
                    "waiting for the lock on {} held by {holder}",
                    self.root.display()
                ));
                let _s = crate::output::Spinner::start("waiting for the state lock");
                f.lock()
                    .map_err(|e| Error::io(format!("locking {}", p.display()), e))?;
            }
            Err(fs::TryLockError::Error(e)) => {
                return Err(Error::io(format!("locking {}", p.display()), e))
            }
        }
        // Whoever holds the lock next clears what a killed writer left behind: a writer
        // marks the directory `.writing` while it holds the lock and unmarks it when it
        // lets go, so the full scan runs only after one was killed (or in a directory
        // this version has not written yet), never on every command.
        let mark = self.path(".writing");
        let killed = fs::symlink_metadata(&mark).is_ok();
        // The top directory is small: its dead writers' temporary files (a mark's own, from
        // a writer killed before its mark was in place) go every time.
        fsio::remove_stale_temps(&self.root)?;
        if killed || !self.indexed() {
            self.repair()?;
            // From the records (none in a new state directory: the empty index is then
            // complete; index entries a killed writer left without a record go away).
            self.rebuild_index()?;
        }
        mark_file(&mark, format!("{}\n", std::process::id()).as_bytes(), 0o600)?;
        Ok(Lock {
            _file: f,
            mark: Some(mark),
        })
    }

    /// Read the configuration; a missing one says how to create it.
    ///
    /// Refuses a state directory that another user could write (see [`fsio::check_dir`]).
    pub fn config(&self) -> Result<Config> {
        self.check_trusted()?;
        let p = self.path(CONFIG_FILE);
        if !p.exists() {
            return Err(Error::Usage(format!(
                "no CA in {} (run `secctl ca init` first, or pass --dir)",
                self.root.display()
            )));
        }
        let text = fsio::read_text(&p)?;
        serde_json::from_str(&text)
            .map_err(|e| Error::path(&p, format!("corrupted configuration ({e})")))
    }

    /// Write the configuration atomically.
    pub fn write_config(&self, cfg: &Config) -> Result<()> {
        let text = serde_json::to_string_pretty(cfg).map_err(Error::internal)? + "\n";
        fsio::write_atomic(&self.path(CONFIG_FILE), text.as_bytes(), PUBLIC_MODE)
    }

    /// Stage an issued certificate and its record in `batch`: the name index first, then
    /// the certificate, the record last, so that a record always has its certificate and
    /// is always in the index. The commit fails if the serial was already recorded.
    pub fn stage_record(
        &self,
        batch: &mut fsio::Batch,
        rec: &Record,
        cert_pem: &str,
    ) -> Result<()> {
        let dir = self.issued_dir();
        fsio::ensure_dir(&dir)?;
        let names = self.names_dir();
        fsio::ensure_dir(&names)?;
        let mut serials = self.indexed_serials(&rec.name)?;
        if !serials.contains(&rec.serial) {
            serials.push(rec.serial.clone());
        }
        batch.write(
            &names.join(&rec.name),
            (serials.join("\n") + "\n").as_bytes(),
            PUBLIC_MODE,
        )?;
        batch.write_new(
            &dir.join(format!("{}.crt", rec.serial)),
            cert_pem.as_bytes(),
            PUBLIC_MODE,
        )?;
        let text = serde_json::to_string_pretty(rec).map_err(Error::internal)? + "\n";
        batch.write_new(
            &dir.join(format!("{}.json", rec.serial)),
            text.as_bytes(),
            PUBLIC_MODE,
        )
    }

    /// After a crash: remove temporary files of dead processes from the state directory,
    /// and certificates in `issued/` whose record was never written (a record is written
    /// after its certificate and before anything is delivered, so such a certificate was
    /// never handed out). Runs under the lock, every time it is taken. Returns how many
    /// files were removed.
    pub fn repair(&self) -> Result<usize> {
        let mut n = 0;
        for d in [
            self.root.clone(),
            self.path("ca"),
            self.issued_dir(),
            self.names_dir(),
        ] {
            n += fsio::remove_stale_temps(&d)?;
        }
        let dir = self.issued_dir();
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(n),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
        };
        for ent in rd.flatten() {
            let p = ent.path();
            if p.extension().is_some_and(|x| x == "crt") && !p.with_extension("json").exists() {
                fs::remove_file(&p)
                    .map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The name index directory.
    pub fn names_dir(&self) -> PathBuf {
        self.root.join("names")
    }

    /// The serials the index lists for `name` (some may have no record: a writer killed
    /// between the index and the record).
    fn indexed_serials(&self, name: &str) -> Result<Vec<String>> {
        let p = self.names_dir().join(name);
        if fs::symlink_metadata(&p).is_err() {
            return Ok(vec![]);
        }
        Ok(fsio::read_text(&p)?
            .lines()
            .filter(|l| is_serial(l))
            .map(str::to_string)
            .collect())
    }

    /// Whether the name index covers every record (it is built the first time a writer
    /// takes the lock in a state directory made before it existed).
    pub fn indexed(&self) -> bool {
        self.path("names/.complete").exists()
    }

    /// The record of `serial` (full, lowercase hex), if any: one file read.
    pub fn record(&self, serial: &str) -> Result<Option<Record>> {
        if !is_serial(serial) {
            return Ok(None);
        }
        let p = self.issued_dir().join(format!("{serial}.json"));
        if fs::symlink_metadata(&p).is_err() {
            return Ok(None);
        }
        let text = fsio::read_text(&p)?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::path(&p, format!("corrupted record ({e})")))
    }

    /// The records of `name`, oldest first: from the index (a few file reads), or by
    /// reading every record in a directory not indexed yet.
    pub fn records_named(&self, name: &str) -> Result<Vec<Record>> {
        if !self.indexed() {
            return Ok(self
                .records()?
                .into_iter()
                .filter(|r| r.name == name)
                .collect());
        }
        let mut out = Vec::new();
        for serial in self.indexed_serials(name)? {
            if let Some(r) = self.record(&serial)? {
                if r.name == name {
                    out.push(r);
                }
            }
        }
        out.sort_by_key(|r| r.not_before);
        Ok(out)
    }

    /// Every name in the index, sorted.
    pub fn indexed_names(&self) -> Result<Vec<String>> {
        let dir = self.names_dir();
        let mut out: Vec<String> = match fs::read_dir(&dir) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
        };
        out.sort();
        Ok(out)
    }

    /// The serials of every record, from the file names alone (no record is parsed).
    pub fn serials(&self) -> Result<Vec<String>> {
        let dir = self.issued_dir();
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
        };
        let mut out = Vec::new();
        for ent in rd.flatten() {
            let n = ent.file_name();
            let n = n.to_string_lossy();
            if let Some(serial) = n.strip_suffix(".json") {
                if is_serial(serial) {
                    out.push(serial.to_string());
                }
            }
        }
        Ok(out)
    }

    /// (Re)build the name index from the records, under the lock. Returns how many names.
    pub fn rebuild_index(&self) -> Result<usize> {
        let names = self.names_dir();
        fsio::ensure_dir(&names)?;
        let mut by_name: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for r in self.records()? {
            by_name.entry(r.name).or_default().push(r.serial);
        }
        // Keep the issuance order the index already has (certificates issued within the
        // same second are told apart by it); serials it lacked go after, oldest first.
        for (name, serials) in by_name.iter_mut() {
            let known = self.indexed_serials(name).unwrap_or_default();
            let mut ordered: Vec<String> =
                known.into_iter().filter(|s| serials.contains(s)).collect();
            for s in serials.iter() {
                if !ordered.contains(s) {
                    ordered.push(s.clone());
                }
            }
            *serials = ordered;
        }
        let mut batch = fsio::Batch::new();
        for (name, serials) in &by_name {
            batch.write(
                &names.join(name),
                (serials.join("\n") + "\n").as_bytes(),
                PUBLIC_MODE,
            )?;
        }
        batch.commit()?;
        // Index files of names that no longer have a record.
        if let Ok(rd) = fs::read_dir(&names) {
            for ent in rd.flatten() {
                let n = ent.file_name().to_string_lossy().into_owned();
                if !n.starts_with('.') && !by_name.contains_key(&n) {
                    let _ = fs::remove_file(ent.path());
                }
            }
        }
        mark_file(&names.join(".complete"), b"1\n", PUBLIC_MODE)?;
        Ok(by_name.len())
    }

    /// Every record, sorted by name then issuance time.
    pub fn records(&self) -> Result<Vec<Record>> {
        let dir = self.issued_dir();
        let mut out = Vec::new();
        let rd = match fs::read_dir(&dir) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
            Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
        };
        for ent in rd {
            let ent = ent.map_err(|e| Error::io(format!("reading {}", dir.display()), e))?;
            let p = ent.path();
            if p.extension().is_some_and(|x| x == "json")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                let text = fsio::read_text(&p)?;
                let rec: Record = serde_json::from_str(&text)
                    .map_err(|e| Error::path(&p, format!("corrupted record ({e})")))?;
                // Records carry whole seconds: two issued in the same second are told
                // apart by when their record was written.
                let written = ent.metadata().and_then(|m| m.modified()).ok();
                out.push((rec, written));
            }
        }
        out.sort_by(|(a, ta), (b, tb)| {
            a.name
                .cmp(&b.name)
                .then(a.not_before.cmp(&b.not_before))
                .then(ta.cmp(tb))
        });
        Ok(out.into_iter().map(|(r, _)| r).collect())
    }

    /// Path of the stored certificate of a record.
    pub fn record_cert_path(&self, serial: &str) -> PathBuf {
        self.issued_dir().join(format!("{serial}.crt"))
    }
}

/// A full serial as secctl writes it: 32 lowercase hex digits (128 random bits).
pub fn is_serial(s: &str) -> bool {
    (16..=40).contains(&s.len()) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Write a small marker file whose presence is what matters: through a temporary file
/// renamed over it, so a kill leaves the old file or the new one, never an empty one; durable
/// once this returns; never through a symbolic link. (Not `fsio::write_atomic`: the test
/// pause and fault points there count the command's own writes, not the lock's marks.)
fn mark_file(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    use std::io::Write;
    let err = |e| Error::io(format!("writing {}", path.display()), e);
    let tmp = fsio::temp_path(path);
    let result = (|| {
        let mut f = fsio::open_nofollow(
            &tmp,
            rustix::fs::OFlags::CREATE | rustix::fs::OFlags::EXCL | rustix::fs::OFlags::WRONLY,
            mode,
        )
        .map_err(err)?;
        f.write_all(bytes).and_then(|_| f.sync_all()).map_err(err)?;
        fs::rename(&tmp, path).map_err(err)?;
        fsio::sync_dir(path.parent().unwrap_or(Path::new(".")))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
