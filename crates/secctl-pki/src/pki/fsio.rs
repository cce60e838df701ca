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

/// Read a text file named by the user (not one of a state directory: those are read
/// through its [`StateDir`]), mapping failures to clear one-line errors naming the file.
pub fn read_text(path: &Path) -> Result<String> {
    text_of(path, read_bytes(path)?)
}

fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| Error::path(path, "not a PEM or text file (binary data)"))
}

/// Read a file named by the user as bytes (a state directory's files are read through its
/// [`StateDir`], which never follows a symbolic link there), mapping failures to clear
/// one-line errors naming the file.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    read_bytes_max(path, MAX_FILE)
}

/// Upper bound on any file secctl reads whole (a CRL of 100,000 entries is about 4 MiB): a
/// file named by mistake (`/dev/zero`, a disk image) is refused, never read to the end.
pub const MAX_FILE: u64 = 64 << 20;

/// [`read_bytes`] with a bound of `max` bytes: a larger file (or an endless one) is bad
/// input, and no more than `max + 1` bytes are read.
pub fn read_bytes_max(path: &Path, max: u64) -> Result<Vec<u8>> {
    audit::not_in_a_state_dir(path);
    let f = File::open(path).map_err(|e| Error::read(path, e))?;
    read_whole(path, f, max)
}

/// Everything of the open file `f` (named `path`), at most `max` bytes.
fn read_whole(path: &Path, f: File, max: u64) -> Result<Vec<u8>> {
    use std::io::Read;
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

/// [`StateDir::open_nofollow`] of `path`, given where it is below its state directory
/// (`below`: the root and the path under it; None: elsewhere).
fn open_nofollow_below(
    below: Option<(&Path, PathBuf)>,
    path: &Path,
    flags: rustix::fs::OFlags,
    mode: u32,
) -> std::io::Result<File> {
    use rustix::fs::{Mode, OFlags, ResolveFlags, CWD};
    let flags = flags | OFlags::CLOEXEC | OFlags::NOFOLLOW;
    let mode = Mode::from_raw_mode(mode);
    if let Some((root, rel)) = below {
        let dir = rustix::fs::open(
            root,
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

/// Delivered files held back until the state they belong to is committed (a command on
/// etcd: its records must be on etcd before the certificates they record are handed out).
struct Deferred {
    /// The working copy: files under it (but not its `certs/`) are not held back.
    state: PathBuf,
    /// Staged files (fsynced, not yet renamed), in the order they were staged.
    files: Vec<(PathBuf, PathBuf, bool)>,
}

/// A state directory as its store holds it: where it is, how far directories are
/// trusted (`--insecure-dirs`), and the deliveries held back until its state is committed.
/// Owned by the store (`Store`, whose clones share it) and handed to each [`Batch`] a
/// command makes through it; never kept in a process-wide variable: two stores in one
/// process (a test, `demo`, `store copy`) share neither policy nor held-back files.
///
/// Files below the directory are read through it ([`StateDir::read_bytes`] and the rest),
/// which never follows a symbolic link there; a file outside it is read as named.
#[derive(Clone, Default)]
pub struct StateDir {
    inner: std::sync::Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The directory, absolute (against the working directory when it was named); None: a
    /// handle for commands without a state directory, which reads every file as named.
    root: Option<PathBuf>,
    /// How far directories are trusted.
    policy: DirPolicy,
    /// Deliveries held back, when the state holds them back.
    deferred: std::sync::Mutex<Option<Deferred>>,
    /// Directories [`StateDir::ensure_dir_once`] has checked or made.
    ensured: std::sync::Mutex<Vec<PathBuf>>,
}

impl std::fmt::Debug for StateDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.lock().as_ref().map(|d| d.files.len());
        f.debug_struct("StateDir")
            .field("root", &self.inner.root)
            .field("policy", &self.inner.policy)
            .field("held_back", &held)
            .finish()
    }
}

impl StateDir {
    /// The state directory `root`, its directories trusted as `policy` says.
    pub fn new(root: &Path, policy: DirPolicy) -> Self {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        audit::state_dir_in_use(&root);
        StateDir {
            inner: std::sync::Arc::new(Inner {
                root: Some(root),
                policy,
                ..Inner::default()
            }),
        }
    }

    /// A handle for a command without a state directory (and for files that are never
    /// in one): every file is read as named, directories are trusted strictly.
    pub fn none() -> Self {
        Self::default()
    }

    /// How far this state's directories (and those it writes to) are trusted.
    pub fn policy(&self) -> DirPolicy {
        self.inner.policy
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Deferred>> {
        self.inner
            .deferred
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `path` is below the state directory.
    pub fn contains(&self, path: &Path) -> bool {
        self.rel(path).is_some()
    }

    /// The path of `path` below the state directory, when it is strictly inside it.
    fn rel(&self, path: &Path) -> Option<(&Path, PathBuf)> {
        let root = self.inner.root.as_deref()?;
        let abs = std::path::absolute(path).ok()?;
        let rel = abs.strip_prefix(root).ok()?;
        (!rel.as_os_str().is_empty()).then(|| (root, rel.to_path_buf()))
    }

    /// Open a file without following symbolic links. Below the state directory no
    /// component may be a link (`openat2` with `RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH`;
    /// `O_NOFOLLOW` on the last component where the kernel lacks `openat2`); elsewhere the
    /// last component may not be one. A link fails with `ELOOP` (or `EXDEV`).
    pub fn open_nofollow(
        &self,
        path: &Path,
        flags: rustix::fs::OFlags,
        mode: u32,
    ) -> std::io::Result<File> {
        open_nofollow_below(self.rel(path), path, flags, mode)
    }

    /// Read a text file: one below the state directory without following a symbolic link
    /// (see [`StateDir::open_nofollow`]), any other as named.
    pub fn read_text(&self, path: &Path) -> Result<String> {
        text_of(path, self.read_bytes(path)?)
    }

    /// Read a file as bytes, as [`StateDir::read_text`].
    pub fn read_bytes(&self, path: &Path) -> Result<Vec<u8>> {
        self.read_bytes_max(path, MAX_FILE)
    }

    /// [`StateDir::read_bytes`] with a bound of `max` bytes (see [`read_bytes_max`]).
    pub fn read_bytes_max(&self, path: &Path, max: u64) -> Result<Vec<u8>> {
        let Some(below) = self.rel(path) else {
            return read_bytes_max(path, max);
        };
        let f = open_nofollow_below(Some(below), path, rustix::fs::OFlags::RDONLY, 0)
            .map_err(|e| Error::read(path, e))?;
        read_whole(path, f, max)
    }

    /// Create `dir` (and its parents) with mode 0700 when missing; refuse a path that
    /// exists and is not a directory, one below the state directory that is a symbolic
    /// link, and one that another user could write unless the policy allows it (see
    /// [`DirPolicy::ensure_dir`]).
    pub fn ensure_dir(&self, dir: &Path) -> Result<()> {
        if self.rel(dir).is_some()
            && fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink())
        {
            return Err(Error::path(
                dir,
                "is a symbolic link inside the state directory (never followed)",
            ));
        }
        self.inner.policy.ensure_dir(dir)
    }

    /// [`StateDir::ensure_dir`] once per handle for each directory (the state directory's
    /// `issued/` and `names/`, which every record of an `apply` goes into).
    pub fn ensure_dir_once(&self, dir: &Path) -> Result<()> {
        let mut ensured = self.inner.ensured.lock().unwrap_or_else(|p| p.into_inner());
        if !ensured.iter().any(|e| e == dir) {
            self.ensure_dir(dir)?;
            ensured.push(dir.to_path_buf());
        }
        Ok(())
    }

    /// Refuse a directory another user could write, unless the policy allows it (see
    /// [`DirPolicy::check_dir`]).
    pub fn check_dir(&self, dir: &Path) -> Result<()> {
        self.inner.policy.check_dir(dir)
    }

    /// From now on, files that this state's batches commit outside the state directory
    /// (or in its `certs/`) are staged and made durable but not renamed into place until
    /// [`StateDir::deliver_deferred`]; [`StateDir::drop_deferred`] removes them instead.
    /// Used on etcd, so that a failed write-back never leaves a delivered certificate that
    /// the CA has no record of.
    pub fn defer_deliveries(&self) {
        let Some(root) = self.inner.root.clone() else {
            return;
        };
        *self.lock() = Some(Deferred {
            state: root,
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

/// How far directories are trusted: by default one that another user could write is
/// refused (a state directory, one secctl writes certificates or keys into, its etcd
/// cache); `--insecure-dirs` / `SECCTL_INSECURE_DIRS` accepts them. Carried by the state
/// directory's handle ([`StateDir::policy`]) and by the etcd options, never process-wide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirPolicy {
    /// Accept directories other users can write (`--insecure-dirs`).
    pub insecure_ok: bool,
}

impl DirPolicy {
    /// Refuse directories that others can write (the default).
    pub const STRICT: DirPolicy = DirPolicy { insecure_ok: false };

    /// Create `dir` (and its parents) with mode 0700 when missing; refuse a path that
    /// exists and is not a directory, and an existing directory that another user could
    /// write (see [`DirPolicy::check_dir`]). Below a state directory, use
    /// [`StateDir::ensure_dir`], which also refuses a symbolic link.
    pub fn ensure_dir(self, dir: &Path) -> Result<()> {
        match fs::metadata(dir) {
            Ok(m) if m.is_dir() => self.check_dir(dir),
            Ok(_) => Err(Error::path(dir, "exists and is not a directory")),
            Err(e) if e.kind() == ErrorKind::NotFound => fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(dir)
                .map_err(|e| Error::io(format!("creating directory {}", dir.display()), e)),
            Err(e) => Err(Error::io(format!("reading {}", dir.display()), e)),
        }
    }

    /// Refuse a directory that another user could write into: group- or world-writable (the
    /// sticky bit does not make it acceptable), or owned by a user other than the caller and
    /// root. A missing directory passes (secctl creates it 0700). `--insecure-dirs` turns the
    /// check off.
    pub fn check_dir(self, dir: &Path) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        if self.insecure_ok {
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

    /// Refuse to write `file` into a directory another user could write (see [`DirPolicy::check_dir`]):
    /// they could swap what a node installs between the check and the use.
    pub fn check_output_dir(self, file: &Path) -> Result<()> {
        match file.parent() {
            Some(d) if !d.as_os_str().is_empty() => self.check_dir(d),
            _ => self.check_dir(Path::new(".")),
        }
    }

    /// Check the ancestors of the state directory as OpenSSH's StrictModes does: each must be
    /// owned by root or the caller and not writable by group or others, unless it has the
    /// sticky bit (`/tmp`). Whoever can write an ancestor can replace the state directory.
    pub fn check_ancestors(self, dir: &Path) -> Result<()> {
        use std::os::unix::fs::MetadataExt;
        if self.insecure_ok {
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
    pub fn tighten_state_dir(self, dir: &Path) -> Result<Option<u32>> {
        use std::os::unix::fs::MetadataExt;
        // `--insecure-dirs`: the operator shares this directory on purpose.
        if self.insecure_ok {
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
}

/// Debug builds only (the test suite's binary): a tripwire that a file below a state
/// directory in use is never read through the reader for files named by the user
/// ([`read_bytes`]), which would follow symbolic links there. It decides nothing: release
/// builds have no such list, and a read is protected by the handle it goes through.
#[cfg(debug_assertions)]
mod audit {
    use std::path::{Path, PathBuf};

    static IN_USE: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

    /// A [`super::StateDir`] on `root` (absolute) was made.
    pub(super) fn state_dir_in_use(root: &Path) {
        let mut roots = IN_USE.lock().unwrap_or_else(|p| p.into_inner());
        if !roots.iter().any(|r| r == root) {
            roots.push(root.to_path_buf());
        }
    }

    /// Panics when `path` is below a state directory in use.
    pub(super) fn not_in_a_state_dir(path: &Path) {
        let Ok(abs) = std::path::absolute(path) else {
            return;
        };
        let roots = IN_USE.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = roots.iter().find(|r| abs.starts_with(r) && abs != **r) {
            panic!(
                "{} is below the state directory {} but was read as a file named by the user \
                 (read it through the store's StateDir)",
                path.display(),
                r.display()
            );
        }
    }
}

/// Release builds: no tripwire.
#[cfg(not(debug_assertions))]
mod audit {
    pub(super) fn state_dir_in_use(_root: &std::path::Path) {}
    pub(super) fn not_in_a_state_dir(_path: &std::path::Path) {}
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

    /// Two state directories in one process, one shared on purpose (`--insecure-dirs`) and
    /// one not: each handle carries its own policy, and neither changes the other's.
    #[test]
    fn each_state_dir_carries_its_own_policy() {
        let top = tempfile::tempdir().unwrap();
        let shared = top.path().join("shared");
        fs::create_dir(&shared).unwrap();
        fs::set_permissions(&shared, fs::Permissions::from_mode(0o777)).unwrap();
        let strict = StateDir::new(&top.path().join("a"), DirPolicy::STRICT);
        let lax = StateDir::new(&top.path().join("b"), DirPolicy { insecure_ok: true });
        let e = strict.check_dir(&shared).unwrap_err().to_string();
        assert!(e.contains("world-writable"), "{e}");
        lax.check_dir(&shared).unwrap();
        // The strict one again, after the lax one was used: still strict.
        assert!(strict.check_dir(&shared).is_err());
        assert!(strict.ensure_dir(&shared).is_err());
        lax.ensure_dir(&shared).unwrap();
        assert!(DirPolicy::STRICT
            .check_ancestors(&shared.join("pki"))
            .is_err());
        DirPolicy { insecure_ok: true }
            .check_ancestors(&shared.join("pki"))
            .unwrap();
    }

    /// A file below the state directory is never read through a symbolic link, in the
    /// last component or any above it; a file elsewhere (read through the same handle or
    /// with no state directory) is read as named.
    #[test]
    fn reads_below_the_state_dir_never_follow_links() {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("pki");
        let real = top.path().join("elsewhere");
        fs::create_dir_all(root.join("ca")).unwrap();
        fs::create_dir_all(&real).unwrap();
        fs::write(real.join("ca.crt"), "planted\n").unwrap();
        std::os::unix::fs::symlink(real.join("ca.crt"), root.join("ca.crt")).unwrap();
        std::os::unix::fs::symlink(&real, root.join("linked")).unwrap();
        fs::write(root.join("ca").join("root.crt"), "ours\n").unwrap();
        let state = StateDir::new(&root, DirPolicy::STRICT);
        for p in [root.join("ca.crt"), root.join("linked").join("ca.crt")] {
            let e = state.read_text(&p).unwrap_err().to_string();
            assert!(e.contains("symbolic link"), "{}: {e}", p.display());
        }
        assert_eq!(
            state.read_text(&root.join("ca/root.crt")).unwrap(),
            "ours\n"
        );
        // Outside the state directory (a file the user names), links are followed.
        let outside = top.path().join("link-outside.crt");
        std::os::unix::fs::symlink(real.join("ca.crt"), &outside).unwrap();
        assert_eq!(state.read_text(&outside).unwrap(), "planted\n");
        assert_eq!(StateDir::none().read_text(&outside).unwrap(), "planted\n");
        // A directory below the state directory that is a link is not made or used.
        let e = state
            .ensure_dir(&root.join("linked"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("symbolic link"), "{e}");
    }

    /// The debug tripwire: a state directory's file read as one the user named panics in
    /// the test suite's builds, so a read that bypasses the handle cannot go unnoticed.
    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "read it through the store's StateDir")]
    fn reading_a_state_file_as_a_user_file_trips_in_debug_builds() {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("pki");
        fs::create_dir_all(&root).unwrap();
        fs::write(root.join("config.json"), "{}").unwrap();
        let _state = StateDir::new(&root, DirPolicy::STRICT);
        let _ = read_bytes(&root.join("config.json"));
    }

    /// `ensure_dir_once` remembers per handle, not per process: a directory removed behind
    /// one handle's back is made again by another.
    #[test]
    fn ensure_dir_once_is_per_handle() {
        let top = tempfile::tempdir().unwrap();
        let root = top.path().join("pki");
        let issued = root.join("issued");
        let one = StateDir::new(&root, DirPolicy::STRICT);
        one.ensure_dir_once(&issued).unwrap();
        fs::remove_dir(&issued).unwrap();
        let two = StateDir::new(&root, DirPolicy::STRICT);
        two.ensure_dir_once(&issued).unwrap();
        assert!(issued.is_dir());
    }

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
