//! The state on etcd (`--store etcd://HOST:PORT[,HOST:PORT...]/PREFIX`).
//!
//! The directory store stays the one implementation of the state's rules (records, index,
//! revocation log, CRL numbers, crash repair); on etcd each command works on a local
//! working copy of the state that is exact at one etcd revision:
//!
//! 1. a writer takes etcd's lock `PREFIX/.lock/` on a lease kept alive while it runs (a
//!    killed writer's lock goes when its lease expires); a reader takes none;
//! 2. every key under `PREFIX/` is read at one revision and the working copy made equal to
//!    it (files that differ are replaced, files etcd does not have are removed);
//! 3. the command runs on the working copy with the directory store's own lock;
//! 4. what it changed is written back in transactions, in the order it wrote the files,
//!    each transaction comparing that this process still holds the lock and that every key
//!    is at the revision read in step 2 (a new key must not exist: a record is never
//!    overwritten), so a lost lock or a writer that bypassed it loses nothing: the
//!    transaction fails, the command exits 3, and a re-run starts from etcd again.
//!
//! A write-back of more than one transaction is bracketed by `PREFIX/.pushing`: a writer
//! killed in the middle leaves it, and the next writer's working copy gets the directory
//! store's `.writing` mark, so its lock runs the same crash repair a killed local writer
//! triggers (records without certificates, index entries without records). Delivered node
//! files (`certs/`) stay on the machine that issued them; CA keys are stored only
//! encrypted (a plaintext `.key` is refused before anything is written).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

// The PKI core's modules, under the names this crate's files use (`crate::pki::fsio`).
use secctl_pki::{error, ground, pki, tlsconf};

pub mod client;
pub mod errors;

pub use errors::EtcdError;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use client::{Client, Cmp, Endpoints, Op, TlsFiles};

use crate::error::Error;
use crate::errors::Result;
use crate::pki::fsio;

/// A parsed `etcd://` store address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreUrl {
    /// `host:port` of each member.
    pub members: Vec<String>,
    /// The key prefix, `/NAME/` (always starts and ends with `/`).
    pub prefix: String,
}

impl StoreUrl {
    /// Parse `etcd://HOST:PORT[,HOST:PORT...]/PREFIX`.
    pub fn parse(s: &str) -> Result<StoreUrl> {
        let bad = |why: &str| EtcdError::Url {
            url: s.to_string(),
            problem: format!("{why} (expected etcd://HOST:PORT[,HOST:PORT...]/PREFIX)"),
        };
        let rest = s
            .strip_prefix("etcd://")
            .ok_or_else(|| bad("not an etcd:// address"))?;
        let (hosts, prefix) = rest.split_once('/').ok_or_else(|| bad("no /PREFIX"))?;
        let prefix = prefix.trim_matches('/');
        if prefix.is_empty()
            || prefix
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            return Err(bad("the prefix must be a path of letters, digits, - _ ."));
        }
        let mut members = vec![];
        for h in hosts.split(',') {
            let ok = h
                .rsplit_once(':')
                .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
            if !ok {
                return Err(bad(&format!("member {h:?} is not HOST:PORT")));
            }
            members.push(h.to_string());
        }
        Ok(StoreUrl {
            members,
            prefix: format!("/{prefix}/"),
        })
    }

    /// How it reads in messages.
    pub fn display(&self) -> String {
        format!(
            "etcd://{}/{}",
            self.members.join(","),
            self.prefix.trim_matches('/')
        )
    }
}

/// Options of the etcd store.
#[derive(Debug, Clone)]
pub struct Options {
    /// TLS to etcd.
    pub tls: Option<TlsFiles>,
    /// Deadline of each call.
    pub timeout: Duration,
    /// Where working copies live.
    pub cache: PathBuf,
    /// How far the cache directories (and the working copy) are trusted.
    pub dirs: fsio::DirPolicy,
}

/// The default place of working copies: `$SECCTL_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/secctl`, else `~/.cache/secctl`.
pub fn default_cache() -> PathBuf {
    if let Some(d) = std::env::var_os("SECCTL_CACHE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(d).join("secctl");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/tmp".into());
    PathBuf::from(home).join(".cache/secctl")
}

/// What the working copy held of one key when it was read.
#[derive(Debug, Clone)]
struct Known {
    mod_revision: i64,
    mode: u32,
    /// The value as read from etcd; None when the working copy's file was already it (kept
    /// from an earlier command: same mod_revision, file untouched since).
    content: Option<Vec<u8>>,
}

/// What the working copy holds, kept beside it (`known.json`) so that the next command
/// fetches only the keys that changed: the etcd cluster, and for each file the
/// mod_revision of the key it holds and the file's stamp when it was made equal to it.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Meta {
    cluster: String,
    /// `PREFIX/.id`: random, written once by the first writer. A state made again at the
    /// same address (a cluster wiped and provisioned the same way gives the same revisions)
    /// has another one.
    incarnation: String,
    files: HashMap<String, (i64, Stamp)>,
}

/// One transaction of a write-back.
struct Step {
    cmps: Vec<Cmp>,
    body: Vec<Op>,
    /// The chunk of the command's changes it writes (None: the `.pushing` bracket).
    chunk: Option<usize>,
    /// It may go to etcd together with its neighbours (records and index entries only).
    together: bool,
}

/// A file of the working copy as it was after the read (to find what the command changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Stamp {
    len: u64,
    mtime_ns: i128,
    ino: u64,
    mode: u32,
}

/// One command's session on the etcd store.
pub struct Session {
    url: StoreUrl,
    client: Client,
    rt: tokio::runtime::Runtime,
    work: PathBuf,
    /// The working copy's handle (its directories are made through it).
    files: fsio::StateDir,
    _local: fs::File,
    lock: Option<(String, i64, tokio::task::JoinHandle<()>)>,
    known: HashMap<String, Known>,
    stamps: HashMap<String, Stamp>,
    /// `known.json` beside the working copy.
    meta_path: PathBuf,
    /// The etcd cluster's id, from the read.
    cluster: String,
    /// The value of `PREFIX/.id` (None: not written yet).
    incarnation: Option<String>,
    /// `.pushing` was found (a writer died during its write-back).
    pushing: Option<i64>,
}

/// Files of the working copy that never go to etcd: the lock's files, delivered files, and
/// the backup authentication key (a secret that lets its holder make backups that restore:
/// it stays on the machine that ran `backup init`, as CA keys go to etcd only encrypted).
fn local_only(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    rel == ".lock"
        || rel == ".writing"
        || rel == "backup.auth"
        || rel.starts_with("certs/")
        || (name.starts_with('.') && name.ends_with(".tmp"))
}

/// The mode a file of the working copy gets: secctl's, never the writer's. A key or backup
/// secret is 0600 whatever etcd says, and so is anything the writer kept private; the
/// rest is 0644 (never executable, never writable by others: a writer of the prefix must
/// not be able to open a file to other local users of a reading machine).
fn local_mode(rel: &str, writer_mode: u32) -> u32 {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let secret = name.ends_with(".key")
        || name.ends_with(".key.age")
        || name.ends_with(".age")
        || name.ends_with(".p12")
        || name.starts_with("backup.")
        || name.starts_with('.');
    if secret || writer_mode & 0o044 == 0 {
        0o600
    } else {
        0o644
    }
}

fn encode(mode: u32, content: &[u8]) -> Vec<u8> {
    let mut v = format!("{mode:o}\n").into_bytes();
    v.extend_from_slice(content);
    v
}

fn decode(key: &str, v: &[u8]) -> Result<(u32, Vec<u8>)> {
    let bad = || EtcdError::value(key, "not a secctl state value (mode line missing)");
    let nl = v.iter().position(|b| *b == b'\n').ok_or_else(bad)?;
    let mode = std::str::from_utf8(&v[..nl])
        .ok()
        .and_then(|m| u32::from_str_radix(m, 8).ok())
        .filter(|m| *m <= 0o777)
        .ok_or_else(bad)?;
    Ok((mode, v[nl + 1..].to_vec()))
}

fn safe_rel(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn stamp(md: &fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    Stamp {
        len: md.len(),
        mtime_ns: md.mtime() as i128 * 1_000_000_000 + md.mtime_nsec() as i128,
        ino: md.ino(),
        mode: md.mode() & 0o777,
    }
}

/// Every file under `root` (relative paths), without the local-only ones.
fn walk(root: &Path) -> Result<Vec<(String, fs::Metadata)>> {
    let mut out = vec![];
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match fs::read_dir(&d) {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(format!("reading {}", d.display()), e).into()),
        };
        for e in rd {
            let e = e.map_err(|e| Error::io(format!("reading {}", d.display()), e))?;
            let p = e.path();
            let md = fs::symlink_metadata(&p).map_err(|e| Error::read(&p, e))?;
            let rel = p
                .strip_prefix(root)
                .map_err(Error::internal)?
                .to_string_lossy()
                .into_owned();
            if md.is_dir() {
                if rel != "certs" {
                    stack.push(p);
                }
            } else if md.is_file() && !local_only(&rel) {
                out.push((rel, md));
            }
        }
    }
    Ok(out)
}

impl Session {
    /// Open the store: take etcd's lock when `writer`, and make the working copy equal to
    /// the state on etcd.
    pub fn open(url: &StoreUrl, opts: &Options, writer: bool) -> Result<Session> {
        let client = Client::new(Endpoints {
            members: url.members.clone(),
            tls: opts.tls.clone(),
            timeout: opts.timeout,
        })?;
        let rt = crate::ground::runtime::runtime()?;
        // One working copy per store, under the cache directory; processes on this
        // machine take turns on it.
        let id = {
            let d = ring::digest::digest(&ring::digest::SHA256, url.display().as_bytes());
            hex::encode(&d.as_ref()[..8])
        };
        let base = opts.cache.join("etcd").join(id);
        opts.dirs.ensure_dir(&opts.cache)?;
        opts.dirs.ensure_dir(&opts.cache.join("etcd"))?;
        opts.dirs.ensure_dir(&base)?;
        let lock_path = base.join("lock");
        let local = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(format!("opening {}", lock_path.display()), e))?;
        local
            .lock()
            .map_err(|e| Error::io(format!("locking {}", lock_path.display()), e))?;
        let work = base.join("state");
        opts.dirs.ensure_dir(&work)?;
        let mut s = Session {
            url: url.clone(),
            client,
            rt,
            files: fsio::StateDir::new(&work, opts.dirs),
            work,
            _local: local,
            lock: None,
            known: HashMap::new(),
            stamps: HashMap::new(),
            meta_path: base.join("known.json"),
            cluster: String::new(),
            incarnation: None,
            pushing: None,
        };
        if writer {
            s.take_lock(opts.timeout)?;
        }
        if let Err(e) = s.read() {
            s.unlock();
            return Err(e);
        }
        Ok(s)
    }

    /// The working copy: the state directory the command runs on.
    pub fn dir(&self) -> &Path {
        &self.work
    }

    fn take_lock(&mut self, timeout: Duration) -> Result<()> {
        let c = self.client.clone();
        let ttl = 15;
        let lease = self.rt.block_on(c.lease_grant(ttl))?;
        // Keep the lease alive from the start: the wait for the lock can outlast it (a
        // waiter whose lease expired would be handed a lock key that no longer exists).
        let keep = c.clone();
        let task = self.rt.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(ttl as u64 / 3)).await;
                let _ = keep.lease_keepalive(lease).await;
            }
        });
        let wait = (timeout * 12).max(Duration::from_secs(60));
        let name = format!("{}.lock", self.url.prefix);
        let got = self.rt.block_on(async {
            let key = c.lock(&name, lease, wait).await?;
            // Held only while the key exists: checked once more before any use.
            let (kvs, _) = c.range_prefix(&key, true).await?;
            if !kvs.iter().any(|kv| kv.key == key) {
                return Err(EtcdError::cluster(
                    format!("{}: taking the lock", c.describe()),
                    std::io::Error::other("the lock was granted after its lease expired"),
                ));
            }
            Ok(key)
        });
        match got {
            Ok(key) => {
                self.lock = Some((key, lease, task));
                Ok(())
            }
            Err(e) => {
                task.abort();
                let _ = self.rt.block_on(c.lease_revoke(lease));
                Err(e)
            }
        }
    }

    fn unlock(&mut self) {
        if let Some((_, lease, task)) = self.lock.take() {
            task.abort();
            let _ = self.rt.block_on(self.client.lease_revoke(lease));
        }
    }

    /// Step 2: the working copy made equal to etcd at one revision. The keys and their
    /// mod_revisions are read first (no values); a file the working copy already holds at
    /// that mod_revision, untouched since (its stamp), is kept; only the other values are
    /// fetched, at the same revision.
    fn read(&mut self) -> Result<()> {
        match self.read_once() {
            // History compacted between the two reads (etcd's auto-compaction): again, at
            // the revision of the moment.
            Err(e) if e.to_string().contains("compacted") => self.read_once(),
            r => r,
        }
    }

    fn read_once(&mut self) -> Result<()> {
        let prefix = self.url.prefix.clone();
        let (keys, rev, cluster) = self
            .rt
            .block_on(self.client.range_prefix_at(&prefix, true, 0))?;
        self.cluster = cluster;
        let id_key = format!("{prefix}.id");
        self.incarnation = None;
        if keys.iter().any(|kv| kv.key == id_key) {
            if let Some(kv) = self.rt.block_on(self.client.get_at(&id_key, rev))? {
                self.incarnation = Some(String::from_utf8_lossy(&kv.value).into_owned());
            }
        }
        // What the working copy was made of last time (none after a failed write-back,
        // or for another cluster or another state at this address).
        let meta: Meta = fs::read(&self.meta_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Meta>(&b).ok())
            .filter(|m| {
                !m.cluster.is_empty()
                    && m.cluster == self.cluster
                    && Some(&m.incarnation) == self.incarnation.as_ref()
            })
            .unwrap_or_default();
        let _ = fs::remove_file(&self.meta_path);
        let local: HashMap<String, Stamp> = walk(&self.work)?
            .into_iter()
            .map(|(rel, md)| (rel, stamp(&md)))
            .collect();
        let mut want: HashMap<String, Known> = HashMap::new();
        let mut fetch: Vec<(String, i64)> = vec![];
        for kv in keys {
            let rel = kv.key[prefix.len()..].to_string();
            if rel.starts_with(".lock/") {
                continue;
            }
            if rel == ".pushing" {
                self.pushing = Some(kv.mod_revision);
                continue;
            }
            if rel == ".id" || !safe_rel(&rel) || local_only(&rel) {
                continue;
            }
            match (meta.files.get(&rel), local.get(&rel)) {
                (Some((m, st)), Some(now)) if *m == kv.mod_revision && st == now => {
                    want.insert(
                        rel,
                        Known {
                            mod_revision: kv.mod_revision,
                            mode: st.mode,
                            content: None,
                        },
                    );
                }
                _ => fetch.push((rel, kv.mod_revision)),
            }
        }
        // The values that are not here yet: one by one when they are few, else the whole
        // prefix once (both at the revision the keys were read at).
        let mut values: HashMap<String, client::Kv> = HashMap::new();
        if fetch.len() > 64 {
            let (kvs, _, _) = self
                .rt
                .block_on(self.client.range_prefix_at(&prefix, false, rev))?;
            let need: std::collections::HashSet<&str> =
                fetch.iter().map(|(r, _)| r.as_str()).collect();
            for kv in kvs {
                let rel = kv.key[prefix.len()..].to_string();
                if need.contains(rel.as_str()) {
                    values.insert(rel, kv);
                }
            }
        } else {
            for (rel, _) in &fetch {
                let key = format!("{prefix}{rel}");
                if let Some(kv) = self.rt.block_on(self.client.get_at(&key, rev))? {
                    values.insert(rel.clone(), kv);
                }
            }
        }
        for (rel, mod_revision) in fetch {
            let kv = values.remove(&rel).ok_or_else(|| {
                EtcdError::cluster(
                    format!("{}: reading", self.url.display()),
                    std::io::Error::other(format!("{prefix}{rel} vanished at revision {rev}")),
                )
            })?;
            let (mode, content) = decode(&kv.key, &kv.value)?;
            let mode = local_mode(&rel, mode);
            want.insert(
                rel,
                Known {
                    mod_revision,
                    mode,
                    content: Some(content),
                },
            );
        }
        // Remove what etcd does not have (a killed local run's leftovers, another
        // machine's removals), then write what differs.
        for rel in local.keys() {
            if !want.contains_key(rel) {
                let p = self.work.join(rel);
                fs::remove_file(&p)
                    .map_err(|e| Error::io(format!("removing {}", p.display()), e))?;
            }
        }
        let _ = fs::remove_file(self.work.join(".writing"));
        // Written as one batch (one journal commit, or a syncfs for many: a new machine
        // writes the whole state), durable before `known.json` vouches for them.
        let mut batch = fsio::Batch::new();
        for (rel, k) in &want {
            let Some(content) = &k.content else { continue };
            let p = self.work.join(rel);
            let same = fs::read(&p).is_ok_and(|b| &b == content)
                && fs::metadata(&p).is_ok_and(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o777 == k.mode
                });
            if !same {
                if let Some(parent) = p.parent() {
                    self.files.ensure_dir(parent)?;
                }
                batch.write(&p, content, k.mode)?;
            }
        }
        batch.commit()?;
        if self.pushing.is_some() && self.lock.is_some() {
            // A writer died during its write-back: the directory store's crash repair
            // runs when this command takes its lock.
            fsio::write_atomic(&self.work.join(".writing"), b"0\n", 0o600)?;
        }
        self.stamps = walk(&self.work)?
            .into_iter()
            .map(|(rel, md)| (rel, stamp(&md)))
            .collect();
        self.known = want;
        self.save_meta();
        Ok(())
    }

    /// Record what the working copy holds now (best effort: without it, the next command
    /// reads every value).
    fn save_meta(&self) {
        let files = self
            .known
            .iter()
            .filter_map(|(rel, k)| Some((rel.clone(), (k.mod_revision, *self.stamps.get(rel)?))))
            .collect();
        let Some(incarnation) = self.incarnation.clone() else {
            return;
        };
        let meta = Meta {
            cluster: self.cluster.clone(),
            incarnation,
            files,
        };
        if let Ok(text) = serde_json::to_vec(&meta) {
            let _ = fsio::write_atomic(&self.meta_path, &text, 0o600);
        }
    }

    /// Step 4: write back what the command changed, then let the lock go.
    pub fn finish(mut self) -> Result<()> {
        let r = if self.lock.is_some() {
            self.write_back()
        } else {
            Ok(())
        };
        self.unlock();
        r
    }

    /// Write what the command changed in the working copy back to etcd: the changes
    /// ([`Session::changes`]) in batches etcd accepts ([`batches`]), as guarded
    /// transactions ([`Session::steps`]), run in order ([`Session::run_steps`]).
    fn write_back(&mut self) -> Result<()> {
        let mut ops = self.changes()?;
        if ops.is_empty() && self.pushing.is_none() {
            return Ok(());
        }
        self.first_incarnation(&mut ops)?;
        fsio::test_pause("write-back");
        let chunks = batches(&ops);
        let steps = self.steps(&chunks);
        self.run_steps(&steps, &chunks, ops.len())?;
        self.save_meta();
        Ok(())
    }

    /// The working copy against what was read from etcd: a guarded put for each file
    /// changed or new (in the order the command wrote them: the directory store's commit
    /// order), then a guarded delete for each file gone. A plaintext key is refused.
    fn changes(&self) -> Result<Vec<(Cmp, Op)>> {
        let prefix = &self.url.prefix;
        let mut puts: Vec<(i128, String, Vec<u8>)> = vec![];
        let mut present = std::collections::HashSet::new();
        for (rel, md) in walk(&self.work)? {
            present.insert(rel.clone());
            let st = stamp(&md);
            if self.stamps.get(&rel) == Some(&st) {
                continue;
            }
            let p = self.work.join(&rel);
            let content = fs::read(&p).map_err(|e| Error::read(&p, e))?;
            if let Some(k) = self.known.get(&rel) {
                if k.content.as_ref() == Some(&content) && k.mode == st.mode {
                    continue;
                }
            }
            if rel.ends_with(".key") {
                // Not on etcd, and not left in the working copy either.
                let _ = fs::remove_file(&p);
                return Err(EtcdError::value(
                    self.url.display(),
                    format!(
                        "refusing to store the plaintext key {rel} on etcd: CA keys on etcd \
                         must be encrypted (--passphrase-file, or ca init --encrypt-key); \
                         nothing was written"
                    ),
                ));
            }
            puts.push((st.mtime_ns, rel, encode(st.mode, &content)));
        }
        puts.sort();
        let mut ops: Vec<(Cmp, Op)> = vec![];
        for (_, rel, value) in puts {
            let key = format!("{prefix}{rel}");
            let cmp = match self.known.get(&rel) {
                Some(k) => Cmp::ModRevision(key.clone(), k.mod_revision),
                None => Cmp::Absent(key.clone()),
            };
            ops.push((cmp, Op::Put(key, value)));
        }
        let mut gone: Vec<&String> = self
            .known
            .keys()
            .filter(|rel| !present.contains(*rel))
            .collect();
        gone.sort();
        for rel in gone {
            let key = format!("{prefix}{rel}");
            let k = &self.known[rel];
            ops.push((
                Cmp::ModRevision(key.clone(), k.mod_revision),
                Op::Delete(key),
            ));
        }
        Ok(ops)
    }

    /// The state's incarnation (see `Meta`), put first by the first write-back ever.
    fn first_incarnation(&mut self, ops: &mut Vec<(Cmp, Op)>) -> Result<()> {
        if self.incarnation.is_some() {
            return Ok(());
        }
        let mut rnd = [0u8; 16];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut rnd)
            .map_err(|_| Error::internal("the system's random generator failed"))?;
        let id = hex::encode(rnd);
        let key = format!("{}.id", self.url.prefix);
        ops.insert(
            0,
            (
                Cmp::Absent(key.clone()),
                Op::Put(key, id.clone().into_bytes()),
            ),
        );
        self.incarnation = Some(id);
        Ok(())
    }

    /// The transactions, in the order the command wrote its files, each guarded by this
    /// process's lock. A write-back of more than one is bracketed by `.pushing`, put alone
    /// first and deleted alone last: a writer killed in between leaves it, and the next one
    /// repairs. Inside the bracket, consecutive transactions of records and index entries
    /// only (`issued/`, `names/`) may go to etcd together: in any order they leave what the
    /// repair handles (an index entry without its record, or a record the index lacks,
    /// rebuilt); everything else (revocations, CRLs, the CA) keeps its place in the order.
    fn steps(&self, chunks: &[&[(Cmp, Op)]]) -> Vec<Step> {
        let prefix = &self.url.prefix;
        let pushing_key = format!("{prefix}.pushing");
        let lock_key = self.lock.as_ref().map(|l| l.0.clone()).unwrap_or_default();
        let bracket = chunks.len() > 1;
        let lock_cmp = Cmp::Present(lock_key);
        let together = |chunk: &[(Cmp, Op)]| {
            chunk.iter().all(|(_, o)| {
                let k = match o {
                    Op::Put(k, _) | Op::Delete(k) => k,
                };
                let rel = &k[prefix.len()..];
                rel.starts_with("issued/") || rel.starts_with("names/")
            })
        };
        let mut steps: Vec<Step> = vec![];
        if bracket {
            let pid = format!("{}\n", std::process::id()).into_bytes();
            steps.push(Step {
                cmps: vec![lock_cmp.clone()],
                body: vec![Op::Put(pushing_key.clone(), pid)],
                chunk: None,
                together: false,
            });
        }
        for (i, chunk) in chunks.iter().enumerate() {
            let mut cmps = vec![lock_cmp.clone()];
            let mut body = vec![];
            for (c, o) in chunk.iter() {
                cmps.push(c.clone());
                body.push(o.clone());
            }
            if !bracket && self.pushing.is_some() {
                body.push(Op::Delete(pushing_key.clone()));
            }
            steps.push(Step {
                cmps,
                body,
                chunk: Some(i),
                together: bracket && together(chunk),
            });
        }
        if bracket || (chunks.is_empty() && self.pushing.is_some()) {
            steps.push(Step {
                cmps: vec![lock_cmp],
                body: vec![Op::Delete(pushing_key)],
                chunk: None,
                together: false,
            });
        }
        steps
    }

    /// Run the transactions in order (up to 8 consecutive `together` ones at once: etcd
    /// commits them in one go); after each, the working copy's files hold their keys at
    /// the revision it made. The first failure stops the write-back.
    fn run_steps(&mut self, steps: &[Step], chunks: &[&[(Cmp, Op)]], total: usize) -> Result<()> {
        let mut written = 0usize;
        let mut at = 0;
        while at < steps.len() {
            let mut end = at + 1;
            if steps[at].together {
                while end < steps.len() && end - at < 8 && steps[end].together {
                    end += 1;
                }
            }
            let window = &steps[at..end];
            let results = self.transactions(window);
            let mut failed: Option<EtcdError> = None;
            for (Step { body, chunk, .. }, r) in window.iter().zip(results) {
                let made = match r {
                    Ok(Some(made)) => made,
                    Ok(None) => {
                        failed.get_or_insert_with(|| self.changed_under(written, total));
                        continue;
                    }
                    Err(e) => {
                        failed.get_or_insert_with(|| self.too_large(e, body, written, total));
                        continue;
                    }
                };
                let Some(i) = chunk else { continue };
                self.record_written(chunks[*i], made);
                written += chunks[*i].len();
                fsio::crash_point();
            }
            if let Some(e) = failed {
                // What the working copy holds is no longer known for sure: the next
                // command reads every value.
                let _ = fs::remove_file(&self.meta_path);
                return Err(e);
            }
            at = end;
        }
        Ok(())
    }

    /// Send a window of transactions at once; each result in the window's order
    /// (Some(revision) committed, None a compare failed).
    fn transactions(&self, window: &[Step]) -> Vec<Result<Option<i64>>> {
        self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (j, step) in window.iter().enumerate() {
                let (c, cmps, body) = (self.client.clone(), step.cmps.clone(), step.body.clone());
                set.spawn(async move { (j, c.txn(&cmps, &body).await) });
            }
            let mut out: Vec<Option<Result<Option<i64>>>> =
                (0..window.len()).map(|_| None).collect();
            while let Some(done) = set.join_next().await {
                match done {
                    Ok((j, r)) => out[j] = Some(r),
                    Err(e) => return vec![Err(EtcdError::internal(e))],
                }
            }
            out.into_iter()
                .map(|r| r.unwrap_or_else(|| Err(EtcdError::internal("a transaction was lost"))))
                .collect()
        })
    }

    /// The working copy's files now hold these keys at revision `made`.
    fn record_written(&mut self, chunk: &[(Cmp, Op)], made: i64) {
        let prefix_len = self.url.prefix.len();
        for (_, o) in chunk {
            match o {
                Op::Put(k, _) => {
                    let rel = k[prefix_len..].to_string();
                    if let Ok(md) = fs::symlink_metadata(self.work.join(&rel)) {
                        let st = stamp(&md);
                        self.stamps.insert(rel.clone(), st);
                        self.known.insert(
                            rel,
                            Known {
                                mod_revision: made,
                                mode: st.mode,
                                content: None,
                            },
                        );
                    }
                }
                Op::Delete(k) => {
                    let rel = &k[prefix_len..];
                    self.known.remove(rel);
                    self.stamps.remove(rel);
                }
            }
        }
    }
}

/// The changes in transactions etcd accepts with its default limits: 128 operations per
/// transaction (`--max-txn-ops`) and 1.5 MiB per request (`--max-request-bytes`): at most
/// 100 operations and 1 MiB of keys and values per transaction (a single larger file goes
/// alone).
fn batches(ops: &[(Cmp, Op)]) -> Vec<&[(Cmp, Op)]> {
    const BATCH: usize = 100;
    const BATCH_BYTES: usize = 1 << 20;
    let size = |o: &Op| match o {
        Op::Put(k, v) => k.len() + v.len(),
        Op::Delete(k) => k.len(),
    };
    let mut chunks: Vec<&[(Cmp, Op)]> = vec![];
    let (mut from, mut bytes) = (0, 0);
    for (i, (_, o)) in ops.iter().enumerate() {
        let sz = size(o);
        if i > from && (i - from == BATCH || bytes + sz > BATCH_BYTES) {
            chunks.push(&ops[from..i]);
            (from, bytes) = (i, 0);
        }
        bytes += sz;
    }
    if from < ops.len() {
        chunks.push(&ops[from..]);
    }
    chunks
}

impl Session {
    /// The error of a write-back whose compare failed.
    fn changed_under(&self, written: usize, total: usize) -> EtcdError {
        EtcdError::cluster(
            format!("{}: writing back", self.url.display()),
            std::io::Error::other(format!(
                "the state on etcd changed under this command (its lock was lost, or a \
                 writer bypassed it): {written} of {total} changes written; run the command \
                 again"
            )),
        )
    }

    /// A transaction's error; etcd's "request is too large" said as such, with the
    /// largest file of the request.
    fn too_large(&self, e: EtcdError, body: &[Op], written: usize, total: usize) -> EtcdError {
        if !e.to_string().contains("request is too large") {
            return e;
        }
        let (key, len) = body
            .iter()
            .filter_map(|o| match o {
                Op::Put(k, v) => Some((k.as_str(), v.len())),
                Op::Delete(_) => None,
            })
            .max_by_key(|(_, l)| *l)
            .unwrap_or(("", 0));
        EtcdError::cluster(
            format!("{}: writing back", self.url.display()),
            std::io::Error::other(format!(
                "etcd refused a request as too large (its --max-request-bytes, 1.5 MiB by \
                 default; the largest value in it: {key}, {len} bytes): start etcd with a \
                 larger --max-request-bytes; {written} of {total} changes written; run the \
                 command again"
            )),
        )
    }
}

impl Session {
    /// How many keys of state etcd held when the working copy was made.
    pub fn keys(&self) -> usize {
        self.known.len()
    }

    /// The address.
    pub fn url(&self) -> &StoreUrl {
        &self.url
    }
}

/// The first plaintext private key of a state directory that would go to etcd (delivered
/// files left out): CA keys on etcd must be encrypted.
pub fn plaintext_key(dir: &Path) -> Result<Option<String>> {
    Ok(walk(dir)?
        .into_iter()
        .map(|(rel, _)| rel)
        .find(|rel| rel.ends_with(".key")))
}

/// Copy every file of a state directory (delivered files and local marks left out) into
/// `to`, modes kept; the number of files.
pub fn copy_tree(from: &Path, to: &Path, dirs: fsio::DirPolicy) -> Result<usize> {
    let files = walk(from)?;
    dirs.ensure_dir(to)?;
    for (rel, md) in &files {
        use std::os::unix::fs::PermissionsExt;
        let src = from.join(rel);
        let dst = to.join(rel);
        let bytes = fs::read(&src).map_err(|e| Error::read(&src, e))?;
        if let Some(parent) = dst.parent() {
            dirs.ensure_dir(parent)?;
        }
        fsio::write_atomic(&dst, &bytes, md.permissions().mode() & 0o777)?;
    }
    Ok(files.len())
}

impl Drop for Session {
    fn drop(&mut self) {
        self.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls() {
        let u = StoreUrl::parse("etcd://127.0.0.1:2379,127.0.0.1:22379/prod/ca").unwrap();
        assert_eq!(u.members, ["127.0.0.1:2379", "127.0.0.1:22379"]);
        assert_eq!(u.prefix, "/prod/ca/");
        assert_eq!(u.display(), "etcd://127.0.0.1:2379,127.0.0.1:22379/prod/ca");
        for bad in [
            "http://127.0.0.1:2379/p",
            "etcd://127.0.0.1:2379",
            "etcd://127.0.0.1:2379/",
            "etcd://127.0.0.1/p",
            "etcd://127.0.0.1:99999/p",
            "etcd://h:1/a/../b",
            "etcd://h:1/a b",
        ] {
            assert!(StoreUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn values_and_paths() {
        assert_eq!(local_mode("ca/root.key.age", 0o666), 0o600);
        assert_eq!(local_mode("ca/previous/X/root.key", 0o644), 0o600);
        assert_eq!(local_mode("ca.crt", 0o777), 0o644);
        assert_eq!(local_mode("issued/AB.json", 0o600), 0o600);
        assert_eq!(local_mode("backup.auth", 0o644), 0o600);
        let v = encode(0o600, b"x\ny");
        assert_eq!(decode("k", &v).unwrap(), (0o600, b"x\ny".to_vec()));
        assert!(decode("k", b"no mode").is_err());
        assert!(decode("k", b"1777\nx").is_err());
        assert!(safe_rel("issued/ab.json"));
        for bad in ["", "/etc/passwd", "a/../b", "a//b", "./a"] {
            assert!(!safe_rel(bad), "{bad}");
        }
        assert!(local_only("certs/n/n.key"));
        assert!(local_only(".writing"));
        assert!(local_only("backup.auth"));
        assert!(!local_only("backup.pub"));
        assert!(local_only("issued/.ab.json.1.000000000001.tmp"));
        assert!(!local_only("issued/ab.json"));
        assert_eq!(client::prefix_end("/p/"), "/p0");
    }
}
