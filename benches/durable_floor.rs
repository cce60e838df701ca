//! The floor of one `secctl cert node` on a filesystem: a minimal native process that makes
//! the same durable writes (no crypto, no parsing, no checks) in the same order:
//! `benches/cert_node_vs_openssl.sh` runs it beside `secctl cert node --force` for a name
//! that exists, which writes:
//!
//! - the lock (`.lock`, flock) and the `.writing` mark (not fsynced), removed at the end;
//! - four files, each through a temporary file: `names/NAME` (the index), the record
//!   `issued/SERIAL.json` (with the certificate), `certs/NAME/NAME.key` and `NAME.crt`
//!   (the bundle `ca.crt` is unchanged, so it is not written);
//! - their write-back started, one fsync each, renamed in that order, the three directories
//!   fsynced.
//!
//! With `fleet N`, the floor of `apply` of N certificates (`benches/apply_10k.sh`): per
//! certificate an output directory and the same five files through temporary files
//! (the name index, the record with the certificate, key, chain, bundle), committed by
//! chunks of 1,024 certificates as `apply` does: every file of the chunk staged, one
//! `syncfs`, the renames, one `syncfs`. Prints the milliseconds it took.
//!
//!   durable_floor DIR            (DIR is made on the first run)
//!   durable_floor fleet N DIR    (DIR must not exist)
#![allow(clippy::disallowed_macros)] // a benchmark prints its errors

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [dir] => run(Path::new(dir)),
        [fleet, n, dir] if fleet == "fleet" => match n.parse() {
            Ok(n) => run_fleet(n, Path::new(dir)),
            Err(_) => Err(std::io::Error::other("N must be a number")),
        },
        _ => {
            eprintln!("usage: durable_floor DIR | durable_floor fleet N DIR");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("durable_floor: {e}");
        std::process::exit(3);
    }
}

fn run(root: &Path) -> std::io::Result<()> {
    for d in ["names", "issued", "certs/db1"] {
        fs::create_dir_all(root.join(d))?;
    }
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(root.join(".lock"))?;
    lock.lock()?;
    let pid = std::process::id();
    let mark = root.join(".writing");
    let tmp = root.join(format!("..writing.{pid}.tmp"));
    fs::write(&tmp, format!("{pid}\n"))?;
    fs::rename(&tmp, &mark)?;

    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let serial = format!("{:032x}", nanos ^ (u128::from(pid) << 64));
    let files: [(PathBuf, usize, u32); 4] = [
        (root.join("names/db1"), 33, 0o644),
        (root.join(format!("issued/{serial}.json")), 1_450, 0o644),
        (root.join("certs/db1/db1.key"), 241, 0o600),
        (root.join("certs/db1/db1.crt"), 800, 0o644),
    ];
    let mut staged: Vec<(PathBuf, File)> = Vec::new();
    for (dest, size, mode) in &files {
        staged.push(stage(dest, *size, *mode)?);
    }
    for (_, f) in &staged {
        rustix::fs::fadvise(f, 0, None, rustix::fs::Advice::DontNeed)?;
    }
    for (_, f) in &staged {
        f.sync_all()?;
    }
    for ((tmp, _), (dest, _, _)) in staged.iter().zip(&files) {
        fs::rename(tmp, dest)?;
    }
    for d in ["names", "issued", "certs/db1"] {
        File::open(root.join(d))?.sync_all()?;
    }
    // Like secctl, no record is ever removed: the floor's own records pile up the same way.
    fs::remove_file(&mark)?;
    Ok(())
}

fn run_fleet(n: usize, root: &Path) -> std::io::Result<()> {
    let start = std::time::Instant::now();
    fs::create_dir(root)?;
    for d in ["names", "issued", "certs"] {
        fs::create_dir(root.join(d))?;
    }
    let sync = fs::File::open(root)?;
    let mut i = 0;
    while i < n {
        let end = (i + 1024).min(n);
        let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity((end - i) * 5);
        for c in i..end {
            let name = format!("edge-{c:05}");
            let out = root.join("certs").join(&name);
            fs::create_dir(&out)?;
            let files: [(PathBuf, usize, u32); 5] = [
                (root.join("names").join(&name), 33, 0o644),
                (root.join(format!("issued/{c:032x}.json")), 1_450, 0o644),
                (out.join(format!("{name}.key")), 241, 0o600),
                (out.join(format!("{name}.crt")), 800, 0o644),
                (out.join("ca.crt"), 600, 0o644),
            ];
            for (dest, size, mode) in files {
                let (tmp, _) = stage(&dest, size, mode)?;
                staged.push((tmp, dest));
            }
        }
        rustix::fs::syncfs(&sync)?;
        for (tmp, dest) in &staged {
            fs::rename(tmp, dest)?;
        }
        rustix::fs::syncfs(&sync)?;
        i = end;
    }
    println!("{}", start.elapsed().as_millis());
    Ok(())
}

/// `size` bytes for `dest` in a new temporary file beside it, created with `mode`.
fn stage(dest: &Path, size: usize, mode: u32) -> std::io::Result<(PathBuf, File)> {
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned());
    let tmp = dest.with_file_name(format!(
        ".{}.{}.tmp",
        name.unwrap_or_default(),
        std::process::id()
    ));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)?;
    f.write_all(&vec![b'x'; size])?;
    Ok((tmp, f))
}
