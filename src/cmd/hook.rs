//! Commands run after files were delivered: an inventory item's `reload:` (`apply`) and
//! `cert renew --exec`. Each runs as `sh -c CMD` with a timeout, its output on stderr (so
//! `-o json` stays one document), no stdin, and the changed files in the environment
//! (paths only: never a secret). A hook runs in a process group of its own: at the timeout
//! the whole group is killed, so a reload script's children (`systemctl reload` waiting on a
//! unit, a `sleep` in a retry loop) do not outlive it; and when secctl is interrupted
//! (SIGINT, SIGTERM), the group is sent SIGTERM before secctl exits.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

/// How long a hook may run before it is killed and reported as failed.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// Environment variables of secctl a hook does not inherit.
const WITHHELD: &[&str] = &["SECCTL_PASSPHRASE_FILE"];

/// What a hook did.
#[derive(Debug, Clone, Serialize)]
pub struct HookReport {
    /// The command, as written.
    pub command: String,
    /// Whether it exited 0 within the timeout.
    pub ok: bool,
    /// Its exit code (null: killed by a signal, timed out or not started).
    pub exit_code: Option<i32>,
    /// What happened: `exited 0`, `exited 3`, `killed by signal 9`, `timed out after 60s`,
    /// `could not start: ...`.
    pub detail: String,
    /// The changed files it was given (SECCTL_CHANGED_FILES).
    pub changed_files: Vec<PathBuf>,
}

/// Run `sh -c command` in `cwd` with SECCTL_CHANGED_FILES (one path per line), SECCTL_NAME
/// and SECCTL_OUT_DIR set, killing it after `timeout`.
pub fn run(
    command: &str,
    cwd: &Path,
    name: &str,
    out_dir: &Path,
    changed: &[PathBuf],
    timeout: Duration,
) -> HookReport {
    let list: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(cwd)
        .env("SECCTL_CHANGED_FILES", list.join("\n"))
        .env("SECCTL_NAME", name)
        .env("SECCTL_OUT_DIR", out_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::from(std::io::stderr()))
        .stderr(Stdio::inherit());
    for v in WITHHELD {
        cmd.env_remove(v);
    }
    {
        use std::os::unix::process::CommandExt as _;
        cmd.process_group(0);
    }
    let _ = std::io::stderr().flush();
    let report = |ok: bool, exit_code: Option<i32>, detail: String| HookReport {
        command: command.to_string(),
        ok,
        exit_code,
        detail,
        changed_files: changed.to_vec(),
    };
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return report(false, None, format!("could not start sh: {e}")),
    };
    // Interrupting secctl ends the hook's group too (a terminal's Ctrl-C does not reach it).
    let _group = crate::pki::fsio::end_group_with_secctl(child.id());
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(st)) => {
                use std::os::unix::process::ExitStatusExt as _;
                return match (st.code(), st.signal()) {
                    (Some(c), _) => report(c == 0, Some(c), format!("exited {c}")),
                    (None, Some(s)) => report(false, None, format!("killed by signal {s}")),
                    (None, None) => report(false, None, "ended without a status".into()),
                };
            }
            Ok(None) if start.elapsed() >= timeout => {
                kill_group(&child);
                let _ = child.kill();
                let _ = child.wait();
                return report(
                    false,
                    None,
                    format!("timed out after {}s (killed)", timeout.as_secs()),
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                kill_group(&child);
                let _ = child.kill();
                let _ = child.wait();
                return report(false, None, format!("could not wait for it: {e}"));
            }
        }
    }
}

/// SIGKILL to the process group the hook leads (its id is the child's pid).
fn kill_group(child: &std::process::Child) {
    if let Some(pid) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_timeout_and_environment() {
        let d = std::env::temp_dir();
        let files = vec![PathBuf::from("/a/x.crt"), PathBuf::from("/a/crl.pem")];
        let r = run(
            "test \"$SECCTL_CHANGED_FILES\" = \"$(printf '/a/x.crt\\n/a/crl.pem')\" && test \"$SECCTL_NAME\" = n1",
            &d,
            "n1",
            Path::new("/a"),
            &files,
            TIMEOUT,
        );
        assert!(r.ok, "{r:?}");
        let r = run("exit 3", &d, "n1", &d, &files, TIMEOUT);
        assert_eq!(
            (r.ok, r.exit_code, r.detail.as_str()),
            (false, Some(3), "exited 3")
        );
        let r = run("sleep 5", &d, "n1", &d, &files, Duration::from_millis(200));
        assert!(!r.ok && r.detail.starts_with("timed out"), "{r:?}");
    }

    /// A timed-out hook's children die with it: the whole process group is killed.
    #[test]
    fn a_timeout_kills_the_hooks_children() {
        let d = tempfile::tempdir().unwrap();
        let pidfile = d.path().join("child.pid");
        let cmd = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        let r = run(
            &cmd,
            d.path(),
            "n1",
            d.path(),
            &[],
            Duration::from_millis(300),
        );
        assert!(!r.ok && r.detail.starts_with("timed out"), "{r:?}");
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let alive = || {
            std::path::Path::new(&format!("/proc/{pid}")).exists()
                && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .unwrap_or_default()
                    .contains(") Z ")
        };
        let t = Instant::now();
        while alive() && t.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!alive(), "the hook's child {pid} outlived the timeout");
    }
}
