//! Helpers for integration tests: run the real binary in a temporary directory.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub mod peers;

/// A state directory (root CA of cluster "Prod") with a server `srv` (localhost,
/// 127.0.0.1) and clients `rails` (role gitlab) and `ops` (role ops): the fixture of the
/// `serve` tests.
pub fn serve_pki() -> Env {
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    env.run(&[
        "cert",
        "node",
        "srv",
        "--host",
        "localhost",
        "--host",
        "127.0.0.1",
    ])
    .ok();
    env.run(&["cert", "client", "rails", "--role", "gitlab"])
        .ok();
    env.run(&["cert", "client", "ops", "--role", "ops"]).ok();
    env
}

pub struct Env {
    pub tmp: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success; stderr: {}", self.stderr);
        self
    }
    /// Exit 2 with exactly one line on stderr, containing every `needle`.
    pub fn usage_error(self, needles: &[&str]) -> Self {
        assert_eq!(
            self.code, 2,
            "expected exit 2; stdout: {} stderr: {}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "expected one stderr line, got: {:?}",
            self.stderr
        );
        assert!(lines[0].starts_with("secctl: error: "), "{:?}", lines[0]);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr {:?} lacks {n:?}",
                self.stderr
            );
        }
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", self.stdout))
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_secctl")
}

impl Env {
    pub fn new() -> Self {
        Env {
            tmp: tempfile::tempdir().unwrap(),
        }
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }
    pub fn pki(&self) -> PathBuf {
        self.path("pki")
    }
    /// Run secctl with `--dir <tmp>/pki`, no terminal, no colour.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[])
    }
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut c = Command::new(bin());
        c.current_dir(self.tmp.path())
            .arg("--dir")
            .arg(self.pki())
            .args(args)
            .env_remove("SECCTL_DIR")
            .env_remove("SECCTL_PASSPHRASE_FILE")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        for (k, v) in env {
            c.env(k, v);
        }
        let r = to_run(c.output().unwrap());
        assert_no_secrets(self.tmp.path(), &r, args);
        r
    }
    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let p = self.path(rel);
        std::fs::write(&p, content).unwrap();
        p
    }
}

pub fn to_run(o: Output) -> Run {
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// Run a program (openssl, curl) and return its result.
pub fn tool(prog: &str, args: &[&str]) -> Run {
    let o = Command::new(prog)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {prog}: {e}"));
    to_run(o)
}

/// Snapshot of a directory tree: relative path -> (mode, content). Missing dir -> empty.
pub fn snapshot(dir: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    let mut out = BTreeMap::new();
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<String, (u32, Vec<u8>)>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd {
            let e = e.unwrap();
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            if m.is_dir() {
                out.insert(rel + "/", (m.permissions().mode(), vec![]));
                walk(base, &p, out);
            } else {
                out.insert(rel, (m.permissions().mode(), std::fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

pub fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A free loopback port (bound then released; the race is acceptable in tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The substance of the calling test needs `what` (a tool, root, a machine setting). Such
/// tests are `#[ignore]`d, so plain `cargo test` counts them as ignored instead of printing
/// `ok` for a check that did not run; `.ci/run` runs them with `--ignored` on a machine that
/// has what they need. Run by hand without it, they fail and say what is missing.
pub fn require(ok: bool, what: &str) {
    assert!(
        ok,
        "cannot run this test's substance: {what} (it is #[ignore]d for that reason; .ci/run provides it)"
    );
}

/// Whether a program is on PATH.
pub fn have(prog: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(prog).is_file()))
        .unwrap_or(false)
}

/// Find nginx (PATH, then /usr/sbin where Debian puts it).
pub fn nginx_bin() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// An nginx started by a test on 127.0.0.1; stopped by PID when dropped.
pub struct Nginx {
    child: std::process::Child,
    pub port: u16,
    pub dir: PathBuf,
    master: bool,
}

impl Nginx {
    /// Start nginx with `server_body` inside `server { listen 127.0.0.1:PORT ssl; ... }`.
    pub fn start(dir: &Path, server_body: &str) -> Nginx {
        Self::start_with(dir, "ssl", server_body)
    }

    /// Start nginx with `listen 127.0.0.1:PORT {listen_flags};` (e.g. "ssl http2").
    pub fn start_with(dir: &Path, listen_flags: &str, server_body: &str) -> Nginx {
        Self::launch(dir, listen_flags, false, server_body)
    }

    /// Start nginx as operators run it: a master process and one worker (as root, a worker
    /// that stays root, to read the test's files), so that SIGHUP to the PID in
    /// `DIR/nginx.pid` reloads it. Returns once it listens and the PID file is written;
    /// stopped gracefully (SIGQUIT, so that no worker is left) when dropped.
    pub fn start_master(dir: &Path, server_body: &str) -> Nginx {
        Self::launch(dir, "ssl", true, server_body)
    }

    /// The error log (level info).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    fn launch(dir: &Path, listen_flags: &str, master: bool, server_body: &str) -> Nginx {
        let bin = nginx_bin().expect("nginx is not installed (apt-get install nginx)");
        std::fs::create_dir_all(dir).unwrap();
        let d = dir.display();
        let process = if !master {
            "master_process off;\n"
        } else if rustix::process::geteuid().is_root() {
            "master_process on;\nworker_processes 1;\nuser root;\n"
        } else {
            "master_process on;\nworker_processes 1;\n"
        };
        for attempt in 0..5 {
            let port = free_port();
            let conf = format!(
                "daemon off;\n{process}pid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
                 fastcgi_temp_path {d}/fcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
                 server {{\n  listen 127.0.0.1:{port} {listen_flags};\n{server_body}\n }}\n}}\n"
            );
            let conf_path = dir.join("nginx.conf");
            std::fs::write(&conf_path, conf).unwrap();
            let mut child = Command::new(&bin)
                .arg("-p")
                .arg(dir)
                .arg("-e")
                .arg(dir.join("error.log"))
                .arg("-c")
                .arg(&conf_path)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                if let Some(st) = child.try_wait().unwrap() {
                    let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                    if log.contains("Address already in use") && attempt < 4 {
                        break;
                    }
                    panic!("nginx exited ({st}): {log}");
                }
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                    && (!master || dir.join("nginx.pid").exists())
                {
                    return Nginx {
                        child,
                        port,
                        dir: dir.to_path_buf(),
                        master,
                    };
                }
                if std::time::Instant::now() > deadline {
                    let _ = child.kill();
                    panic!("nginx did not start listening on {port}");
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        unreachable!()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if self.master {
            // SIGQUIT: the master stops its workers, then itself (SIGKILL would orphan them).
            let _ = tool("kill", &["-QUIT", &self.child.id().to_string()]);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while std::time::Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `curl` a URL; returns (HTTP status, body). Status 0 when the TLS handshake failed.
pub fn curl(url: &str, extra: &[&str]) -> (u16, String) {
    let mut args = vec![
        "--silent",
        "--max-time",
        "10",
        "--write-out",
        "\n%{http_code}",
        url,
    ];
    args.extend_from_slice(extra);
    let r = tool("curl", &args);
    let (body, code) = r.stdout.rsplit_once('\n').unwrap_or(("", "0"));
    (code.trim().parse().unwrap_or(0), body.to_string())
}

/// A `secctl serve` started by a test on an ephemeral loopback port, logging every request
/// (`-v`) to a file; killed by PID on drop, and its log scanned for secrets.
pub struct Serve {
    child: std::process::Child,
    pub addr: String,
    root: PathBuf,
    log: PathBuf,
}

impl Serve {
    pub fn start(env: &Env, args: &[&str]) -> Serve {
        use std::io::BufRead;
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let log = env.path(&format!("serve-{n}.log"));
        let mut child = Command::new(bin())
            .current_dir(env.tmp.path())
            .arg("--dir")
            .arg(env.pki())
            .args(["serve", "-v", "--listen", "127.0.0.1:0"])
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(out).read_line(&mut line).unwrap();
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("serve did not start: {line:?}")
            })
            .to_string();
        Serve {
            child,
            addr,
            root: env.tmp.path().to_path_buf(),
            log,
        }
    }
}

impl Serve {
    /// The process id (to send it signals).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What it has logged on stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Send a signal (`HUP`, `TERM`, ...) with kill(1).
    pub fn signal(&self, sig: &str) {
        tool("kill", &[&format!("-{sig}"), &self.pid().to_string()]).ok();
    }

    /// Its exit status once it has ended, waiting up to `limit` (None: still running).
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let t = std::time::Instant::now();
        while t.elapsed() < limit {
            if let Some(st) = self.child.try_wait().unwrap() {
                return Some(st);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let r = Run {
                code: 0,
                stdout: String::new(),
                stderr: log,
            };
            assert_no_secrets(&self.root, &r, &["serve -v"]);
        }
    }
}

/// Run `secctl probe -o json` and return the matrix of the first target.
pub fn probe_json(env: &Env, args: &[&str]) -> (i32, serde_json::Value) {
    let mut a = vec!["-o", "json", "probe"];
    a.extend_from_slice(args);
    let r = env.run(&a);
    assert!(
        r.code == 0 || r.code == 1,
        "probe failed: {} {}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    let v = r.json();
    (r.code, v[0].clone())
}

/// The row of a transport in a target's matrix.
pub fn transport<'a>(target: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    target["transports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["transport"] == name)
        .unwrap_or_else(|| panic!("no transport {name} in {target}"))
}

/// Assert (served, encrypted, server_auth, client_auth) of a transport, and its redirect.
pub fn expect_row(
    target: &serde_json::Value,
    name: &str,
    served: bool,
    server_auth: &str,
    client_auth: &str,
) {
    let t = transport(target, name);
    let encrypted = !["http1", "h2c", "grpc"].contains(&name);
    // `encrypted` is null on rows that are not served.
    let encrypted = if served { Some(encrypted) } else { None };
    assert_eq!(
        (
            t["served"].as_bool().unwrap(),
            t["encrypted"].as_bool(),
            t["server_auth"].as_str().unwrap(),
            t["client_auth"].as_str().unwrap()
        ),
        (served, encrypted, server_auth, client_auth),
        "{name}: {t}"
    );
}

/// Secret material in the files under `root`: the base64 lines of every PEM private key,
/// the body lines of every secctl share, every age secret key, and the contents of
/// passphrase files (named `pass*` or `*.pass`). Public files (certificates, records,
/// CRLs) are not read.
pub fn secrets_under(root: &Path) -> Vec<String> {
    fn walk(d: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(d) else { return };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.is_dir() {
                if !p.ends_with("issued") {
                    walk(&p, out);
                }
                continue;
            }
            let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            if m.len() > 256 * 1024 || ["crt", "json", "pem", "yaml", "log", "lock"].contains(&ext)
            {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&p) else {
                continue;
            };
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("pass") || name.ends_with(".pass") {
                let t = text.trim();
                if t.len() >= 6 {
                    out.push(t.to_string());
                }
            }
            let mut in_key = false;
            let mut in_share_body = false;
            for line in text.lines() {
                let l = line.trim();
                if l.starts_with("-----BEGIN") && l.contains("PRIVATE KEY") {
                    in_key = true;
                } else if l.starts_with("-----END") {
                    in_key = false;
                    in_share_body = false;
                } else if in_key && l.len() >= 16 {
                    out.push(l.to_string());
                } else if l.starts_with("Checksum: ") {
                    in_share_body = true; // the body follows the headers
                } else if in_share_body && l.len() >= 12 {
                    out.push(l.to_string());
                }
                if let Some(i) = l.find("AGE-SECRET-KEY-") {
                    out.push(l[i..].split_whitespace().next().unwrap().to_string());
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Fail when a run printed any secret that exists under `root` (after the run).
pub fn assert_no_secrets(root: &Path, r: &Run, args: &[&str]) {
    for s in secrets_under(root) {
        assert!(
            !r.stdout.contains(&s) && !r.stderr.contains(&s),
            "secctl {args:?} printed a secret ({}...)",
            &s[..6]
        );
        for a in args {
            assert!(!a.contains(&s), "a secret was passed in argv: {args:?}");
        }
    }
}

/// `openssl verify` of the certificate file `crt` (leaf, then any intermediate, which is
/// also given as untrusted) against `bundle`, for `purpose` (sslserver, sslclient) if given.
pub fn openssl_verify_chain(bundle: &Path, crt: &Path, purpose: Option<&str>) -> Run {
    let (bundle, crt) = (bundle.to_str().unwrap(), crt.to_str().unwrap());
    let mut args = vec!["verify", "-CAfile", bundle, "-untrusted", crt];
    if let Some(p) = purpose {
        args.extend_from_slice(&["-purpose", p]);
    }
    args.push(crt);
    tool("openssl", &args)
}

/// `openssl crl -verify -noout` of `PKI/crl.pem` against `PKI/ca.crt`, with `extra` options.
pub fn openssl_crl_verify(pki: &Path, extra: &[&str]) -> Run {
    let crl = pki.join("crl.pem");
    let ca = pki.join("ca.crt");
    let mut args = vec![
        "crl",
        "-in",
        crl.to_str().unwrap(),
        "-CAfile",
        ca.to_str().unwrap(),
        "-verify",
        "-noout",
    ];
    args.extend_from_slice(extra);
    tool("openssl", &args)
}

/// A key custodian with an age X25519 key: (identity file `NAME.key`, recipient string).
pub fn custodian(env: &Env, name: &str) -> (String, String) {
    use age::secrecy::ExposeSecret;
    let id = age::x25519::Identity::generate();
    let p = env.write(
        &format!("{name}.key"),
        &format!("{}\n", id.to_string().expose_secret()),
    );
    (p.display().to_string(), id.to_public().to_string())
}

/// `-o json backup init` of a K-of-N backup key whose shares go to `out`, one per
/// custodian of `c` (from [`custodian`]), encrypted to it.
pub fn backup_init_args(k: usize, out: &Path, c: &[(String, String)]) -> Vec<String> {
    let mut args: Vec<String> = ["-o", "json", "backup", "init", "--threshold"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend([
        k.to_string(),
        "--shares".into(),
        c.len().to_string(),
        "--out".into(),
        out.display().to_string(),
    ]);
    for (_, r) in c {
        args.extend(["--recipient".to_string(), r.clone()]);
    }
    args
}

fn sp(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A self-signed root made with openssl (the attacker's), and a client certificate it
/// signs; returns (root.crt, client.crt, client.key).
pub fn attacker_ca(env: &Env, subject: &str) -> (PathBuf, PathBuf, PathBuf) {
    let (root, key) = (env.path("evil-root.crt"), env.path("evil-root.key"));
    tool(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            sp(&key),
            "-out",
            sp(&root),
            "-subj",
            subject,
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    )
    .ok();
    let (ckey, csr, crt) = (
        env.path("evil-client.key"),
        env.path("evil-client.csr"),
        env.path("evil-client.crt"),
    );
    tool(
        "openssl",
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            sp(&ckey),
            "-out",
            sp(&csr),
            "-subj",
            "/O=prod/OU=admin/CN=mallory",
        ],
    )
    .ok();
    let ext = env.write("evil-ext.cnf", "extendedKeyUsage=clientAuth\n");
    tool(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            sp(&csr),
            "-CA",
            sp(&root),
            "-CAkey",
            sp(&key),
            "-out",
            sp(&crt),
            "-days",
            "10",
            "-extfile",
            sp(&ext),
        ],
    )
    .ok();
    (root, crt, ckey)
}

/// An openssl CA config that signs a CRL (the attacker's, with a high CRL number).
pub fn foreign_crl(env: &Env, root: &Path, key: &Path) -> PathBuf {
    let dir = env.path("evil-ca");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.txt"), "").unwrap();
    std::fs::write(dir.join("crlnumber"), "7fff\n").unwrap();
    let cfg = env.write(
        "evil-ca.cnf",
        &format!(
            "[ca]\ndefault_ca = d\n[d]\ndatabase = {0}/index.txt\ncrlnumber = {0}/crlnumber\n\
             default_md = sha256\ndefault_crl_days = 30\n",
            dir.display()
        ),
    );
    let out = env.path("evil-crl.pem");
    tool(
        "openssl",
        &[
            "ca",
            "-gencrl",
            "-config",
            sp(&cfg),
            "-cert",
            sp(root),
            "-keyfile",
            sp(key),
            "-out",
            sp(&out),
        ],
    )
    .ok();
    out
}

// ---------------------------------------------------------------------------------------
// Field cases recorded from live servers (`probe --record`)

/// `tests/probe_cases/STEM.json`.
pub fn case_path(stem: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/probe_cases/{stem}.json"))
}

/// The field case `stem` was recorded from this server: its rows' verdicts (every field but
/// the detail, whose figures vary) and summary are the live probe's. With
/// `SECCTL_RECORD_CASES=1`, the file is rewritten from the live recording instead.
pub fn same_as_field_case(
    recorded: &secctl::probe::case::Case,
    stem: &str,
    case: &str,
    note: &str,
) {
    let path = case_path(stem);
    if std::env::var_os("SECCTL_RECORD_CASES").is_some() {
        let c = secctl::probe::case::Case::new(case, note, recorded.observations.clone());
        let mut text = serde_json::to_string_pretty(&c).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (record it: SECCTL_RECORD_CASES=1)", path.display()));
    let committed: secctl::probe::case::Case = serde_json::from_str(&text).unwrap();
    assert!(
        committed.mismatches().is_empty(),
        "{stem}: {:?}",
        committed.mismatches()
    );
    let strip = |c: &secctl::probe::case::Case| {
        c.transports
            .iter()
            .map(|t| {
                let mut t = t.clone();
                t.detail.clear();
                for p in &mut t.paths {
                    p.evidence.clear();
                }
                t
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(recorded),
        strip(&committed),
        "{stem}: the live server's rows differ from the field case"
    );
    assert_eq!(recorded.summary, committed.summary, "{stem}: summary");
}
