//! Crash-safe file writes: temporary file in the same directory, fsync, rename, fsync the
//! directory. A crash leaves the old file or the new one, never half of either. Secret
//! files are created with mode 0600 before their first byte is written.

use std::fs::{self, File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Mode of private keys and other secrets.
pub const SECRET_MODE: u32 = 0o600;
/// Mode of public files (certificates, records, CRLs).
pub const PUBLIC_MODE: u32 = 0o644;
/// Mode of every directory secctl creates.
pub const DIR_MODE: u32 = 0o700;

/// [`ensure_dir`] once per process for each directory (the state directory's `issued/` and
/// `names/`, which every record of an `apply` goes into).
pub fn ensure_dir_once(dir: &Path) -> Result<()> {
    static DONE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());
    if DONE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .any(|d| d == dir)
    {
        return Ok(());
    }
    ensure_dir(dir)?;
    DONE.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(dir.to_path_buf());
    Ok(())
}

/// Create `dir` (and its parents) with mode 0700 when missing; refuse a path that exists
/// and is not a directory.
///
/// An existing directory must be one that no other user could write (see [`check_dir`]);
/// inside the state directory it must not be a symbolic link.
pub fn ensure_dir(dir: &Path) -> Result<()> {
    if protected_rel(dir).is_some()
        && fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(Error::path(
            dir,
            "is a symbolic link inside the state directory (never followed)",
        ));
    }
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => check_dir(dir),
        Ok(_) => Err(Error::path(dir, "exists and is not a directory")),
        Err(e) if e.kind() == ErrorKind::NotFound => fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
            .map_err(|e| Error::io(format!("creating directory {}", dir.display()), e)),
        Err(e) => Err(Error::io(format!("reading {}", dir.display()), e)),
    }
}

/// The directory holding `path` ("." for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

pub(crate) fn temp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    // A random 48-bit base per process, counted up per file: unique names without a
    // getrandom and a getpid per file (create_new refuses a collision anyway).
    static BASE: OnceLock<(u32, u64)> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let (pid, base) = *BASE.get_or_init(|| {
        let mut rnd = [0u8; 8];
        // A failing system RNG only makes the name less unique.
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut rnd);
        (std::process::id(), u64::from_le_bytes(rnd))
    });
    let n = base.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)) & 0xffff_ffff_ffff;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{pid}.{n:012x}.tmp"))
}

/// The process umask, read once (process-wide on purpose: it is a fact of the process).
static UMASK: std::sync::OnceLock<Option<u32>> = std::sync::OnceLock::new();

/// Learn the process umask by setting it and putting it back: for a program's `main` to
/// call while it has one thread (no file can be created in between), which spares every
/// later process-wide read of `/proc/self/status` (a dozen system calls). Without it the
/// umask is read from there.
pub fn learn_umask_single_threaded() {
    let old = rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    rustix::process::umask(old);
    let _ = UMASK.set(Some(old.as_raw_mode()));
}

/// Whether the process umask would remove bits of `mode` (then the mode is set explicitly
/// after creation; otherwise the creation mode is already exact and a `fchmod` is saved).
fn umask_strips(mode: u32) -> bool {
    let umask = UMASK.get_or_init(|| {
        let status = fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("Umask:"))?;
        u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
    });
    umask.is_none_or(|u| u & mode != 0)
}

/// Move a staged temporary file into place (over an existing `dest` when `replace`, else
/// never over one), and forget it as a temporary path.
fn place(tmp: &Path, dest: &Path, replace: bool) -> Result<()> {
    if replace {
        fs::rename(tmp, dest)
            .map_err(|e| Error::io(format!("renaming into place {}", dest.display()), e))?;
    } else {
        rename_noreplace(tmp, dest)?;
    }
    unregister_temp(tmp);
    Ok(())
}

/// Move `tmp` to `dest`, failing with "already exists" when `dest` exists: one
/// `renameat2(RENAME_NOREPLACE)`, or a hard link then unlink where the filesystem lacks it.
fn rename_noreplace(tmp: &Path, dest: &Path) -> Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    let exists = || Error::path(dest, "already exists");
    match renameat_with(CWD, tmp, CWD, dest, RenameFlags::NOREPLACE) {
        Ok(()) => return Ok(()),
        Err(rustix::io::Errno::EXIST) => return Err(exists()),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
        Err(e) => {
            return Err(Error::io(
                format!("moving into place {}", dest.display()),
                e.into(),
            ))
        }
    }
    fs::hard_link(tmp, dest).map_err(|e| {
        if e.kind() == ErrorKind::AlreadyExists {
            exists()
        } else {
            Error::io(format!("linking into place {}", dest.display()), e)
        }
    })?;
    let _ = fs::remove_file(tmp);
    Ok(())
}

/// Write `bytes` to `path` atomically with `mode`, replacing any existing file.
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    write_impl(path, bytes, mode, true)
}

/// Write `bytes` to `path` atomically with `mode`; fail with `AlreadyExists` (as an
/// input error) when `path` exists. Used for records, whose names must never collide.
pub fn write_new_atomic(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    write_impl(path, bytes, mode, false)
}

fn write_impl(path: &Path, bytes: &[u8], mode: u32, replace: bool) -> Result<()> {
    let dir = parent_of(path);
    let tmp = temp_path(path);
    let ctx = |what: &str| format!("{what} {}", path.display());
    register_temp(&tmp);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
            .map_err(|e| Error::io(ctx("writing"), e))?;
        // The umask may have removed bits from `mode`; it can only remove, so secrets stay
        // 0600, but public files are set explicitly.
        if umask_strips(mode) {
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io(ctx("setting mode of"), e))?;
        }
        f.write_all(bytes)
            .map_err(|e| Error::io(ctx("writing"), e))?;
        f.sync_all().map_err(|e| Error::io(ctx("syncing"), e))?;
        drop(f);
        test_pause("staged");
        if replace {
            fs::rename(&tmp, path).map_err(|e| Error::io(ctx("renaming into place"), e))?;
        } else {
            // No silent overwrite.
            rename_noreplace(&tmp, path)?;
        }
        sync_dir(dir)?;
        crash_point();
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    unregister_temp(&tmp);
    result
}

/// Remove temporary files left in `dir` by a secctl process that died before renaming
/// them into place (killed, or the machine lost power); files of live processes stay.
/// Returns how many were removed.
pub fn remove_stale_temps(dir: &Path) -> Result<usize> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(format!("reading {}", dir.display()), e)),
    };
    let mut removed = 0;
    for ent in rd.flatten() {
        let name = ent.file_name();
        let Some(pid) = temp_owner(&name.to_string_lossy()) else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            fs::remove_file(ent.path())
                .map_err(|e| Error::io(format!("removing {}", ent.path().display()), e))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The process id in a temporary file name made by `temp_path` (".NAME.PID.HEX.tmp").
fn temp_owner(name: &str) -> Option<u32> {
    let stem = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let mut parts = stem.rsplitn(3, '.');
    let rnd = parts.next()?;
    let pid = parts.next()?;
    parts.next()?;
    (rnd.len() == 12 && rnd.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| pid.parse().ok())
        .flatten()
}

/// fsync a directory so that a rename in it is durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(format!("syncing directory {}", dir.display()), e))
}

/// Read a text file, mapping failures to clear one-line errors naming the file.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = read_bytes(path)?;
    String::from_utf8(bytes).map_err(|_| Error::path(path, "not a PEM or text file (binary data)"))
}

/// Read a file as bytes, mapping failures to clear one-line errors naming the file.
///
/// A file inside the state directory is opened without following any symbolic link
/// (see [`open_nofollow`]); a file named by the user elsewhere is read as given.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    read_bytes_max(path, MAX_FILE)
}

/// Upper bound on any file secctl reads whole (a CRL of 100,000 entries is about 4 MiB): a
/// file named by mistake (`/dev/zero`, a disk image) is refused, never read to the end.
pub const MAX_FILE: u64 = 64 << 20;

/// [`read_bytes`] with a bound of `max` bytes: a larger file (or an endless one) is bad
/// input, and no more than `max + 1` bytes are read.
pub fn read_bytes_max(path: &Path, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
    let f = if protected_rel(path).is_none() {
        File::open(path).map_err(|e| Error::read(path, e))?
    } else {
        open_nofollow(path, rustix::fs::OFlags::RDONLY, 0).map_err(|e| Error::read(path, e))?
    };
    // Room for a certificate, a key or a record at once: one read and the one that finds
    // the end, instead of a 32-byte probe and reads of doubling size (seven for a
    // certificate). Larger files grow the buffer as before.
    let mut out = Vec::with_capacity(8 << 10);
    f.take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::read(path, e))?;
    if out.len() as u64 > max {
        return Err(Error::path(
            path,
            format!(
                "is larger than {}: not a file secctl reads",
                human_size(max)
            ),
        ));
    }
    Ok(out)
}

fn human_size(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Whether `path` is a regular file (not a symbolic link) that holds exactly `bytes`, with
/// `mode` and the owner and group a write with `owner` would give it (the writer's where
/// `owner` leaves them unset): writing it again would change nothing.
pub fn holds(path: &Path, bytes: &[u8], mode: u32, owner: Owner) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(m) = fs::symlink_metadata(path) else {
        return false;
    };
    let uid = owner
        .uid
        .unwrap_or_else(|| rustix::process::geteuid().as_raw());
    let gid = owner
        .gid
        .unwrap_or_else(|| rustix::process::getegid().as_raw());
    m.file_type().is_file()
        && m.len() == bytes.len() as u64
        && m.mode() & 0o7777 == mode
        && m.uid() == uid
        && m.gid() == gid
        && fs::read(path).is_ok_and(|b| b == bytes)
}

/// Owner and group to give a file (None: the writer's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Owner {
    /// User id.
    pub uid: Option<u32>,
    /// Group id.
    pub gid: Option<u32>,
}

impl Owner {
    /// Neither is set.
    pub fn is_none(&self) -> bool {
        self.uid.is_none() && self.gid.is_none()
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |v: Option<u32>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        write!(f, "{}:{}", show(self.uid), show(self.gid))
    }
}

struct Staged {
    tmp: PathBuf,
    dest: PathBuf,
    replace: bool,
    file: Option<File>,
}

/// Several files written as one step: every file is staged (temporary file, mode set
/// before the first byte), all are fsynced together, then renamed into place in the order
/// they were added, then each directory is fsynced once. Add the files in the order a
/// crash may reveal them (see `issue::stage`). Staged files left by an error are removed.
///
/// A batch of at least `BULK` files commits with `syncfs` and keeps only one open file per
/// filesystem, so that a fleet-sized batch never runs into the open-file limit.
#[derive(Default)]
pub struct Batch {
    staged: Vec<Staged>,
    /// One open file per filesystem (device), once the batch is bulk-sized.
    per_dev: Vec<(u64, File)>,
    /// Staged files before this index have been closed already.
    closed_upto: usize,
    /// The state directory whose held-back deliveries this batch's files join (see
    /// [`StateDir::defer_deliveries`]); None: every file is moved into place on commit.
    state: Option<StateDir>,
}

impl Batch {
    /// An empty batch whose files are always moved into place on commit. A command writes
    /// with its store's batch (`Store::batch`, [`Batch::in_state`]), so that what it
    /// delivers is held back while its state directory holds deliveries back.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty batch of a command on the state directory `state`: while it holds
    /// deliveries back, the files this batch commits outside it (or in its `certs/`) join
    /// them instead of being moved into place.
    pub fn in_state(state: &StateDir) -> Self {
        Batch {
            staged: Vec::new(),
            per_dev: Vec::new(),
            closed_upto: 0,
            state: Some(state.clone()),
        }
    }

    /// Stage `bytes` for `path`, replacing an existing file.
    pub fn write(&mut self, path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
        self.stage(path, bytes, mode, true, Owner::default())
    }

    /// Stage `bytes` for `path`, replacing an existing file, with the file's owner and
    /// group set (on the temporary file, before it is renamed into place).
    pub fn write_owned(
        &mut self,
        path: &Path,
        bytes: &[u8],
        mode: u32,
        owner: Owner,
    ) -> Result<()> {
        self.stage(path, bytes, mode, true, owner)
    }

    /// Stage `bytes` for `path`, which must not exist when the batch commits.
    pub fn write_new(&mut self, path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
        self.stage(path, bytes, mode, false, Owner::default())
    }

    fn stage(
        &mut self,
        path: &Path,
        bytes: &[u8],
        mode: u32,
        replace: bool,
        owner: Owner,
    ) -> Result<()> {
        let tmp = temp_path(path);
        let ctx = |e| Error::io(format!("writing {}", path.display()), e);
        register_temp(&tmp);
        let mut f = match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(f) => f,
            Err(e) => {
                unregister_temp(&tmp);
                return Err(ctx(e));
            }
        };
        self.staged.push(Staged {
            tmp,
            dest: path.to_path_buf(),
            replace,
            file: None,
        });
        if !owner.is_none() {
            rustix::fs::fchown(
                &f,
                owner.uid.map(rustix::process::Uid::from_raw_unchecked),
                owner.gid.map(rustix::process::Gid::from_raw_unchecked),
            )
            .map_err(|e| {
                Error::io(
                    format!("setting owner {owner} of {}", path.display()),
                    e.into(),
                )
            })?;
        }
        if umask_strips(mode) || !owner.is_none() {
            f.set_permissions(fs::Permissions::from_mode(mode))
                .map_err(ctx)?;
        }
        f.write_all(bytes).map_err(ctx)?;
        if let Some(s) = self.staged.last_mut() {
            s.file = Some(f);
        }
        if self.staged.len() >= BULK {
            self.keep_one_file_per_device()?;
        }
        Ok(())
    }

    /// Close staged files, keeping one per filesystem for `syncfs`.
    fn keep_one_file_per_device(&mut self) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        let from = self.closed_upto.min(self.staged.len());
        self.closed_upto = self.staged.len();
        for s in &mut self.staged[from..] {
            if let Some(f) = s.file.take() {
                let dev = f
                    .metadata()
                    .map_err(|e| Error::io(format!("reading {}", s.tmp.display()), e))?
                    .dev();
                keep_per_device(&mut self.per_dev, dev, f);
            }
        }
        Ok(())
    }

    /// Move every file staged in `other` to the end of this batch.
    pub fn append(&mut self, mut other: Batch) -> Result<()> {
        self.staged.append(&mut other.staged);
        for (dev, f) in other.per_dev.drain(..) {
            keep_per_device(&mut self.per_dev, dev, f);
        }
        if self.staged.len() >= BULK {
            self.keep_one_file_per_device()?;
        }
        Ok(())
    }

    /// Number of staged files.
    pub fn len(&self) -> usize {
        self.staged.len()
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Make every staged file durable and move it into place.
    pub fn commit(mut self) -> Result<()> {
        if self.staged.len() >= BULK {
            // Many files (`apply` on a fleet): one `syncfs` per filesystem before and after
            // the renames instead of two fsyncs per file; same guarantee.
            return commit_all(vec![self]).pop().unwrap_or(Ok(()));
        }
        // Start the write-back of every file first, then fsync them one after the other:
        // the first fsync commits the journal transaction that holds every file's blocks,
        // and the others find theirs committed (one journal commit for the whole batch, no
        // thread per file). POSIX_FADV_DONTNEED is how Linux is asked to start writing a
        // file's dirty pages without waiting (it is only a hint; the fsyncs are the
        // guarantee).
        for s in &self.staged {
            if let Some(f) = &s.file {
                let _ = rustix::fs::fadvise(f, 0, None, rustix::fs::Advice::DontNeed);
            }
        }
        for s in &mut self.staged {
            if let Some(f) = s.file.take() {
                f.sync_all()
                    .map_err(|e| Error::io(format!("syncing {}", s.dest.display()), e))?;
            }
        }
        test_pause("staged");
        let dirs = self.move_into_place()?;
        // The first directory fsync commits every rename; the others find theirs committed.
        for d in &dirs {
            sync_dir(d)?;
        }
        Ok(())
    }

    /// Rename (or link, for new-only files) every staged file into place, in order; return
    /// the directories touched.
    fn move_into_place(&mut self) -> Result<Vec<PathBuf>> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut done = 0;
        let result = (|| {
            for s in &self.staged {
                if self.state.as_ref().is_some_and(|st| st.hold_back(s)) {
                    done += 1;
                    continue;
                }
                place(&s.tmp, &s.dest, s.replace)?;
                done += 1;
                crash_point();
                let d = parent_of(&s.dest).to_path_buf();
                if seen.insert(d.clone()) {
                    dirs.push(d);
                }
            }
            Ok(())
        })();
        // What was moved is no longer ours to clean up on drop.
        self.staged.drain(..done);
        self.closed_upto = self.closed_upto.saturating_sub(done);
        result.map(|_| dirs)
    }
}

/// Delivered files held back until the state they belong to is committed (a command on
/// etcd: its records must be on etcd before the certificates they record are handed out).
struct Deferred {
    /// The working copy: files under it (but not its `certs/`) are not held back.
    state: PathBuf,
    /// Staged files (fsynced, not yet renamed), in the order they were staged.
    files: Vec<(PathBuf, PathBuf, bool)>,
}

/// What a state directory carries besides its path: the deliveries held back until its
/// state is committed. Owned by the store (`Store`, whose clones share it) and handed to
/// each [`Batch`] a command makes through it, never kept in a process-wide variable: two
/// stores in one process (a test, `demo`, `store copy`) hold back nothing of each other's.
///
/// (The directory policy, `--insecure-dirs` and the roots whose files are opened without
/// following symbolic links, is still process-wide: see [`allow_insecure_dirs`] and
/// [`protect_root`].)
#[derive(Clone, Default)]
pub struct StateDir {
    deferred: std::sync::Arc<std::sync::Mutex<Option<Deferred>>>,
}

impl std::fmt::Debug for StateDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.lock().as_ref().map(|d| d.files.len());
        f.debug_struct("StateDir")
            .field("held_back", &held)
            .finish()
    }
}

impl StateDir {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Deferred>> {
        self.deferred.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// From now on, files that this state's batches commit outside `state` (the
    /// directory, or in its `certs/`) are staged and made durable but not renamed into
    /// place until [`StateDir::deliver_deferred`]; [`StateDir::drop_deferred`] removes
    /// them instead. Used on etcd, so that a failed write-back never leaves a delivered
    /// certificate that the CA has no record of.
    pub fn defer_deliveries(&self, state: &Path) {
        *self.lock() = Some(Deferred {
            state: absolute(state),
            files: vec![],
        });
    }

    /// Whether a staged file is held back (then it is queued).
    fn hold_back(&self, s: &Staged) -> bool {
        let mut g = self.lock();
        let Some(d) = g.as_mut() else {
            return false;
        };
        let dest = absolute(&s.dest);
        if dest.starts_with(&d.state) && !dest.starts_with(d.state.join("certs")) {
            return false;
        }
        d.files.push((s.tmp.clone(), s.dest.clone(), s.replace));
        true
    }

    /// Move the held-back files into place, in the order they were staged, and make the
    /// renames durable; stop holding back. Returns how many files were delivered.
    pub fn deliver_deferred(&self) -> Result<usize> {
        let Some(d) = self.lock().take() else {
            return Ok(0);
        };
        let mut dirs: Vec<PathBuf> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut left = d.files.iter();
        let result = (|| {
            for (tmp, dest, replace) in left.by_ref() {
                if let Err(e) = place(tmp, dest, *replace) {
                    let _ = fs::remove_file(tmp);
                    unregister_temp(tmp);
                    return Err(e);
                }
                let p = parent_of(dest);
                if seen.insert(p.to_path_buf()) {
                    dirs.push(p.to_path_buf());
                }
            }
            Ok(())
        })();
        // What could not be moved is not left behind.
        for (tmp, _, _) in left {
            let _ = fs::remove_file(tmp);
            unregister_temp(tmp);
        }
        result?;
        if dirs.len() > 64 {
            // Many output directories (`apply` on etcd): one syncfs.
            if let Some(first) = dirs.first() {
                let f = File::open(first).map_err(|e| Error::read(first, e))?;
                rustix::fs::syncfs(&f)
                    .map_err(|e| Error::io("syncing the filesystem", e.into()))?;
            }
        } else {
            for p in &dirs {
                sync_dir(p)?;
            }
        }
        Ok(d.files.len())
    }

    /// Remove the held-back files (their state was not committed); stop holding back.
    pub fn drop_deferred(&self) {
        if let Some(d) = self.lock().take() {
            for (tmp, _, _) in &d.files {
                let _ = fs::remove_file(tmp);
                unregister_temp(tmp);
            }
        }
    }
}

/// Keep `f` as the open file of device `dev` unless one is kept already (then `f` closes).
fn keep_per_device(kept: &mut Vec<(u64, File)>, dev: u64, f: File) {
    if !kept.iter().any(|(d, _)| *d == dev) {
        kept.push((dev, f));
    }
}

/// Commit several batches at once (the workers of `apply` each stage their own): one
/// `syncfs` per filesystem before and after, the batches renamed into place in parallel
/// (each in its own order). Returns one result per batch; a failed sync fails them all.
pub fn commit_all(mut batches: Vec<Batch>) -> Vec<Result<()>> {
    let total: usize = batches.iter().map(Batch::len).sum();
    if total < BULK {
        return batches.into_iter().map(Batch::commit).collect();
    }
    let mut per_dev: Vec<(u64, File)> = Vec::new();
    let n = batches.len();
    let fail_all = |e: &Error| (0..n).map(|_| Err(dup(e))).collect();
    for b in &mut batches {
        if let Err(e) = b.keep_one_file_per_device() {
            return fail_all(&e);
        }
        for (dev, f) in b.per_dev.drain(..) {
            keep_per_device(&mut per_dev, dev, f);
        }
    }
    let sync_all_fs = || -> Result<()> {
        for (_, f) in &per_dev {
            rustix::fs::syncfs(f).map_err(|e| Error::io("syncing the filesystem", e.into()))?;
        }
        Ok(())
    };
    if let Err(e) = sync_all_fs() {
        return fail_all(&e);
    }
    test_pause("staged");
    let results: Vec<Result<()>> = std::thread::scope(|sc| {
        let hs: Vec<_> = batches
            .iter_mut()
            .map(|b| sc.spawn(move || b.move_into_place().map(|_| ())))
            .collect();
        hs.into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(Error::internal("rename thread panicked")))
            })
            .collect()
    });
    if let Err(e) = sync_all_fs() {
        return fail_all(&e);
    }
    results
}

/// The same error again (one per batch that it fails).
fn dup(e: &Error) -> Error {
    match e {
        Error::Io { context, source } => Error::io(
            context.clone(),
            std::io::Error::new(source.kind(), source.to_string()),
        ),
        Error::Usage(m) => Error::Usage(m.clone()),
        Error::Input { input, problem } => Error::input(input, problem.clone()),
        Error::Internal(m) => Error::Internal(m.clone()),
    }
}

/// Debug builds only (the test suite's binary): with `SECCTL_TEST_ABORT_AFTER_RENAMES=N`
/// the process aborts right after its N-th durable write (a rename into place, an append
/// to the revocation log), so that tests can stop a
/// run at every step of a commit, not only where a random kill happens to land.
#[cfg(debug_assertions)]
pub fn crash_point() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RENAMES: AtomicUsize = AtomicUsize::new(0);
    let n = RENAMES.fetch_add(1, Ordering::SeqCst) + 1;
    if std::env::var("SECCTL_TEST_ABORT_AFTER_RENAMES").is_ok_and(|v| v == n.to_string()) {
        std::process::abort();
    }
}

/// Release builds: no fault point.
#[cfg(not(debug_assertions))]
pub fn crash_point() {}

/// Batches at least this large commit with `syncfs` instead of per-file fsyncs.
const BULK: usize = 32;

impl Drop for Batch {
    fn drop(&mut self) {
        for s in &self.staged {
            let _ = fs::remove_file(&s.tmp);
            unregister_temp(&s.tmp);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Trusted directories (as OpenSSH's StrictModes treats ~/.ssh)

/// Set by `--insecure-dirs` / `SECCTL_INSECURE_DIRS`: accept directories other users can write.
///
/// Still process-wide: it is read by [`check_dir`] and [`ensure_dir`], which 37 call sites
/// in 16 files use with a bare path (state, output and etcd cache directories alike);
/// carrying it in [`StateDir`] means giving each of them a handle (issue 26, item 7).
static INSECURE_DIRS_OK: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Accept (or, by default, refuse) state and output directories that another user could
/// write; see [`check_dir`].
pub fn allow_insecure_dirs(yes: bool) {
    INSECURE_DIRS_OK.store(yes, std::sync::atomic::Ordering::Relaxed);
}

/// Refuse a directory that another user could write into: group- or world-writable (the
/// sticky bit does not make it acceptable), or owned by a user other than the caller and
/// root. A missing directory passes (secctl creates it 0700). `--insecure-dirs` turns the
/// check off.
pub fn check_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    if INSECURE_DIRS_OK.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let m = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::read(dir, e)),
    };
    if !m.is_dir() {
        return Ok(());
    }
    let mode = m.mode() & 0o7777;
    if mode & 0o022 != 0 {
        let who = if mode & 0o002 != 0 { "world" } else { "group" };
        return Err(Error::path(
            dir,
            format!(
                "directory is {who}-writable (mode {mode:04o}): another user could replace the files in it; \
                 run `chmod go-w {}` or pass --insecure-dirs",
                dir.display()
            ),
        ));
    }
    let me = rustix::process::geteuid().as_raw();
    if m.uid() != me && m.uid() != 0 {
        return Err(Error::path(
            dir,
            format!(
                "directory is owned by uid {}, not by you (uid {me}) or root: its owner could replace the files in it; \
                 use a directory of your own or pass --insecure-dirs",
                m.uid()
            ),
        ));
    }
    Ok(())
}

/// Refuse to write `file` into a directory another user could write (see [`check_dir`]):
/// they could swap what a node installs between the check and the use.
pub fn check_output_dir(file: &Path) -> Result<()> {
    match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => check_dir(d),
        _ => check_dir(Path::new(".")),
    }
}

/// Check the ancestors of the state directory as OpenSSH's StrictModes does: each must be
/// owned by root or the caller and not writable by group or others, unless it has the
/// sticky bit (`/tmp`). Whoever can write an ancestor can replace the state directory.
pub fn check_ancestors(dir: &Path) -> Result<()> {
    use std::os::unix::fs::MetadataExt;
    if INSECURE_DIRS_OK.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let me = rustix::process::geteuid().as_raw();
    for a in abs.ancestors().skip(1) {
        let Ok(m) = fs::metadata(a) else { continue };
        let mode = m.mode() & 0o7777;
        let sticky = mode & 0o1000 != 0;
        if m.uid() != me && m.uid() != 0 {
            return Err(Error::path(
                dir,
                format!(
                    "its parent {} is owned by uid {}, not by you (uid {me}) or root: its owner could replace \
                     the state directory; use a directory of your own or pass --insecure-dirs",
                    a.display(),
                    m.uid()
                ),
            ));
        }
        if mode & 0o022 != 0 && !sticky {
            return Err(Error::path(
                dir,
                format!(
                    "its parent {} is writable by others (mode {mode:04o}): they could replace the state \
                     directory; run `chmod go-w {}` or pass --insecure-dirs",
                    a.display(),
                    a.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Tighten an existing state directory that others can read or enter to 0700 (the keys
/// inside are 0600, but names, records and the CA certificate are not for other users).
/// Returns the mode it had when it was changed; `None` when it was fine, absent, not ours,
/// or shared on purpose (`--insecure-dirs`).
pub fn tighten_state_dir(dir: &Path) -> Result<Option<u32>> {
    use std::os::unix::fs::MetadataExt;
    // `--insecure-dirs`: the operator shares this directory on purpose.
    if INSECURE_DIRS_OK.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(None);
    }
    let Ok(m) = fs::symlink_metadata(dir) else {
        return Ok(None);
    };
    if !m.is_dir() || m.uid() != rustix::process::geteuid().as_raw() {
        return Ok(None);
    }
    let mode = m.mode() & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
        .map_err(|e| Error::io(format!("tightening {} to mode 0700", dir.display()), e))?;
    Ok(Some(mode))
}

/// Absolute roots of the state directories in use: files below them are opened without
/// following symbolic links.
///
/// Still process-wide: every read of [`read_bytes`] and [`read_text`] (39 direct call sites
/// in 20 files, with a bare path, and every reader built on them, such as
/// `pemfile::read_file` and `keys::load_private_key`) and [`ensure_dir`] asks it whether
/// the path is in a state directory; carrying it in [`StateDir`] means giving each of them
/// the store's handle, and a read that was missed would follow links again without a test
/// noticing (issue 26, item 7).
static PROTECTED: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Mark `root` (the state directory) as one whose files are never opened through a
/// symbolic link.
pub fn protect_root(root: &Path) {
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let mut roots = PROTECTED.lock().unwrap_or_else(|p| p.into_inner());
    if !roots.contains(&abs) {
        roots.push(abs);
    }
}

/// The protected root holding `path` and the path relative to it, when `path` is strictly
/// inside one.
fn protected_rel(path: &Path) -> Option<(PathBuf, PathBuf)> {
    let abs = std::path::absolute(path).ok()?;
    let roots = PROTECTED.lock().unwrap_or_else(|p| p.into_inner());
    roots.iter().find_map(|r| {
        let rel = abs.strip_prefix(r).ok()?;
        (!rel.as_os_str().is_empty()).then(|| (r.clone(), rel.to_path_buf()))
    })
}

/// Open a file without following symbolic links. Inside the state directory no component
/// below the state directory may be a link (`openat2` with `RESOLVE_NO_SYMLINKS |
/// RESOLVE_BENEATH`; `O_NOFOLLOW` on the last component where the kernel lacks `openat2`);
/// elsewhere the last component may not be one. A link fails with `ELOOP` (or `EXDEV`).
pub fn open_nofollow(path: &Path, flags: rustix::fs::OFlags, mode: u32) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags, CWD};
    let flags = flags | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let mode = Mode::from_raw_mode(mode);
    if let Some((root, rel)) = protected_rel(path) {
        let dir = rustix::fs::open(
            &root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        match rustix::fs::openat2(
            &dir,
            &rel,
            flags,
            mode,
            ResolveFlags::NO_SYMLINKS | ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
        ) {
            Ok(fd) => return Ok(File::from(fd)),
            Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {}
            Err(rustix::io::Errno::XDEV) => return Err(rustix::io::Errno::LOOP.into()),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(File::from(rustix::fs::openat(CWD, path, flags, mode)?))
}

// ---------------------------------------------------------------------------------------
// Temporary files removed on SIGINT / SIGTERM

/// Temporary files and staging directories that exist right now; removed by the signal
/// handler before the process exits on SIGINT or SIGTERM.
///
/// Process-wide on purpose: a signal ends the whole process, whichever store or command
/// made the file, and the handler (a thread of its own) can reach nothing else.
static LIVE_TEMPS: std::sync::Mutex<Option<std::collections::HashSet<PathBuf>>> =
    std::sync::Mutex::new(None);

/// Register a temporary file or staging directory (before creating it): a SIGINT or
/// SIGTERM from now on removes it before the process exits.
pub fn register_temp(path: &Path) {
    install_signal_cleanup();
    let abs = absolute(path);
    LIVE_TEMPS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get_or_insert_with(Default::default)
        .insert(abs);
}

/// Forget a temporary path (renamed into place or removed).
pub fn unregister_temp(path: &Path) {
    let abs = absolute(path);
    if let Some(live) = LIVE_TEMPS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_mut()
    {
        live.remove(&abs);
    }
}

/// `path` made absolute against the working directory read once per process (secctl never
/// changes it): no `getcwd` per temporary file.
fn absolute(path: &Path) -> PathBuf {
    // Process-wide on purpose: the working directory is a fact of the process.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    if path.is_absolute() {
        return path.to_path_buf();
    }
    match CWD.get_or_init(|| std::env::current_dir().ok()) {
        Some(cwd) => cwd.join(path),
        None => path.to_path_buf(),
    }
}

/// Process groups of commands secctl runs (hooks, each in a group of its own, which a
/// terminal's Ctrl-C does not reach): sent SIGTERM when secctl is interrupted.
static CHILD_GROUPS: std::sync::Mutex<Vec<i32>> = std::sync::Mutex::new(Vec::new());

/// While the guard lives, the process group `pgid` is ended with secctl (SIGINT or
/// SIGTERM to secctl sends it SIGTERM).
pub fn end_group_with_secctl(pgid: u32) -> GroupGuard {
    install_signal_cleanup();
    let g = i32::try_from(pgid).unwrap_or(0);
    if g > 0 {
        CHILD_GROUPS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(g);
    }
    GroupGuard(g)
}

/// Registration of a process group; dropping it unregisters the group.
pub struct GroupGuard(i32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        CHILD_GROUPS
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|g| *g != self.0);
    }
}

/// Start, once per process, a thread that waits for SIGINT or SIGTERM, removes every
/// registered temporary path, and exits with 130 or 143 (128 + the signal) as a shell
/// would. Returns once the handlers are installed: they are installed here, on the calling
/// thread (a current-thread runtime with its signal driver, a few system calls), and the
/// runtime is handed to the thread, which may start later; a signal that arrives before it
/// runs is kept by the runtime and seen when it does. The caller never waits for the
/// thread to be scheduled (that handshake cost `cert node` a millisecond or more on a busy
/// machine). When no thread can be started, no handler is installed (the default action).
fn install_signal_cleanup() {
    use tokio::signal::unix::{signal, Signal, SignalKind};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let (tx, rx) = std::sync::mpsc::channel::<(tokio::runtime::Runtime, Signal, Signal)>();
        let spawned = std::thread::Builder::new()
            .name("secctl-signals".into())
            .spawn(move || {
                let Ok((rt, mut term, mut int)) = rx.recv() else {
                    return;
                };
                let code = rt.block_on(async move {
                    tokio::select! {
                        _ = term.recv() => 143,
                        _ = int.recv() => 130,
                    }
                });
                // The process groups of running hooks end with secctl.
                for g in CHILD_GROUPS
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .iter()
                {
                    if let Some(pid) = rustix::process::Pid::from_raw(*g) {
                        let _ =
                            rustix::process::kill_process_group(pid, rustix::process::Signal::TERM);
                    }
                }
                // Hold the list while exiting: nothing new is registered meanwhile.
                let live = LIVE_TEMPS.lock().unwrap_or_else(|p| p.into_inner());
                for p in live.iter().flatten() {
                    match fs::symlink_metadata(p) {
                        Ok(m) if m.is_dir() => {
                            let _ = fs::remove_dir_all(p);
                        }
                        Ok(_) => {
                            let _ = fs::remove_file(p);
                        }
                        Err(_) => {}
                    }
                }
                std::process::exit(code);
            });
        if spawned.is_err() {
            return;
        }
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            return;
        };
        let handlers = {
            let _entered = rt.enter();
            (
                signal(SignalKind::terminate()),
                signal(SignalKind::interrupt()),
            )
        };
        if let (Ok(term), Ok(int)) = handlers {
            let _ = tx.send((rt, term, int));
        }
    });
}

/// Debug builds only (the test suite's binary): with `SECCTL_TEST_PAUSE=POINT` the process
/// sleeps (up to 60 s) at that point, so a test can signal or inspect it there. Points:
/// `staged` (temporary files written, not yet renamed into place).
#[cfg(debug_assertions)]
pub fn test_pause(point: &str) {
    if std::env::var("SECCTL_TEST_PAUSE").is_ok_and(|v| v == point) {
        // With SECCTL_TEST_RESUME=FILE: say so in FILE.paused, and go on once FILE exists.
        if let Some(resume) = std::env::var_os("SECCTL_TEST_RESUME").map(PathBuf::from) {
            let mut paused = resume.clone().into_os_string();
            paused.push(".paused");
            let _ = fs::write(&paused, std::process::id().to_string());
            for _ in 0..3000 {
                if resume.exists() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            return;
        }
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Release builds: no pause points.
#[cfg(not(debug_assertions))]
pub fn test_pause(_point: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_round_trip_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let t = temp_path(&dir.path().join("node1.key"));
        let name = t.file_name().unwrap().to_string_lossy().into_owned();
        assert_eq!(temp_owner(&name), Some(std::process::id()));
        assert_eq!(temp_owner("node1.key"), None);
        assert_eq!(temp_owner(".x.12.zz.tmp"), None);
        // A live process's temp file stays, a dead one's goes (pid 0x7fffffff is never live).
        fs::write(&t, b"x").unwrap();
        let dead = dir.path().join(".node1.key.2147483647.0123456789ab.tmp");
        assert_ne!(temp_path(&dir.path().join("node1.key")), t, "names repeat");
        fs::write(&dead, b"x").unwrap();
        fs::write(dir.path().join("node1.crt"), b"x").unwrap();
        assert_eq!(remove_stale_temps(dir.path()).unwrap(), 1);
        assert!(t.exists() && !dead.exists());
        assert!(dir.path().join("node1.crt").exists());
    }
}
