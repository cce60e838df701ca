//! Real servers (apache2, haproxy, caddy, etcd, python grpcio, grpc-go, mosquitto, redis,
//! nats-server, a python3-websockets server) started by a
//! test on a free loopback port, each with its own configuration in a temporary directory, in
//! the foreground as a child process in its own process group; stopped by PID on drop (also
//! when the test panics). Plus the PKI the interop tests share and the ground-truth clients
//! (curl, `openssl s_client`, mosquitto_pub, redis-cli, etcdctl, a python gRPC client, a
//! Python NATS client, python3-websockets' client).

use super::*;
use std::os::unix::process::CommandExt;
use std::process::Child;
use std::time::{Duration, Instant};

/// A server process started by a test: its port and PID; killed (its process group, whose
/// id is the PID) and reaped when dropped.
pub struct Peer {
    child: Child,
    pub name: &'static str,
    pub port: u16,
    pub pid: u32,
    pub dir: PathBuf,
    logs: Vec<PathBuf>,
}

impl Peer {
    /// Everything the server logged so far (its stdout/stderr file and any log it writes).
    pub fn log(&self) -> String {
        read_logs(&self.logs)
    }
}

fn read_logs(logs: &[PathBuf]) -> String {
    logs.iter()
        .map(|p| {
            format!(
                "--- {}:\n{}",
                p.display(),
                std::fs::read_to_string(p).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn signal_group(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", &format!("-{pid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Drop for Peer {
    fn drop(&mut self) {
        // SIGTERM first: apache's and haproxy's workers are children of the PID.
        signal_group(self.pid, "-TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        signal_group(self.pid, "-KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `make(port)` for a free port and wait (bounded) until the port accepts TCP
/// connections. The command's stdout and stderr go to `DIR/NAME.out`; `logs` are other
/// files the server writes. Retries with another port when the port was taken meanwhile.
pub fn launch(
    name: &'static str,
    dir: &Path,
    logs: &[&str],
    make: impl Fn(u16) -> Command,
) -> Peer {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join(format!("{name}.out"));
    let mut all_logs = vec![out.clone()];
    all_logs.extend(logs.iter().map(|l| dir.join(l)));
    for attempt in 0..4 {
        let port = free_port();
        let mut cmd = make(port);
        let f = std::fs::File::create(&out).unwrap();
        cmd.stdin(Stdio::null())
            .stdout(f.try_clone().unwrap())
            .stderr(f)
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e} (is it installed?)"));
        let pid = child.id();
        let mut peer = Peer {
            child,
            name,
            port,
            pid,
            dir: dir.to_path_buf(),
            logs: all_logs.clone(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(st) = peer.child.try_wait().unwrap() {
                let log = peer.log();
                let in_use = log.contains("in use") || log.contains("Cannot bind");
                if in_use && attempt < 3 {
                    break;
                }
                panic!("{name} exited ({st}) before listening on 127.0.0.1:{port}:\n{log}");
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return peer;
            }
            if Instant::now() > deadline {
                let log = peer.log();
                drop(peer);
                panic!("{name} did not listen on 127.0.0.1:{port} within 30 s:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    unreachable!()
}

/// The client identities of the interop tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Id {
    /// No client certificate.
    NoCert,
    /// `rails`, a valid client of the Prod CA (issued by its intermediate).
    Valid,
    /// `gone`, issued by the same CA, then revoked (in `pki/crl.pem`).
    Revoked,
    /// `mallory`, a client of another CA.
    Foreign,
}

pub const IDS: [Id; 4] = [Id::NoCert, Id::Valid, Id::Revoked, Id::Foreign];

/// The PKI of the interop tests, made with the real binary: Prod CA with an intermediate,
/// server `srv` (localhost, 127.0.0.1), clients `rails` (valid) and `gone` (revoked, CRL
/// published), and `mallory` from a second CA (`Other`).
pub struct Pki {
    pub env: Env,
    pub other: Env,
}

impl Default for Pki {
    fn default() -> Self {
        Self::new()
    }
}

impl Pki {
    pub fn new() -> Pki {
        let env = Env::new();
        env.run(&["ca", "init", "--name", "Prod", "--intermediate"])
            .ok();
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
        env.run(&["cert", "client", "gone", "--role", "gitlab"])
            .ok();
        env.run(&["--yes", "revoke", "gone"]).ok();
        env.run(&["crl"]).ok();
        let other = Env::new();
        other.run(&["ca", "init", "--name", "Other"]).ok();
        other
            .run(&["cert", "client", "mallory", "--role", "gitlab"])
            .ok();
        let pki = Pki { env, other };
        // The server chain is leaf + intermediate; ca.crt is the root alone: a server that
        // trusts ca.crt verifies a client that sends its chain (leaf + intermediate).
        let crt = std::fs::read_to_string(pki.srv_crt()).unwrap();
        assert_eq!(crt.matches("BEGIN CERTIFICATE").count(), 2, "{crt}");
        for n in ["srv", "rails", "gone"] {
            let f = pki.file(n, "crt");
            openssl_verify_chain(&pki.env.pki().join("ca.crt"), Path::new(&f), None).ok();
        }
        let crl = pki.crl();
        let r = tool(
            "openssl",
            &[
                "verify",
                "-crl_check_all",
                "-CRLfile",
                &crl,
                "-CAfile",
                &pki.ca(),
                "-untrusted",
                &pki.file("gone", "crt"),
                &pki.file("gone", "crt"),
            ],
        );
        assert!(
            r.code != 0 && r.stdout.contains("revoked") || r.stderr.contains("revoked"),
            "gone is not revoked by crl.pem: {} {}",
            r.stdout,
            r.stderr
        );
        // Files some servers want: haproxy's crt is chain + key in one file.
        let pem = format!(
            "{}{}",
            std::fs::read_to_string(pki.srv_crt()).unwrap(),
            std::fs::read_to_string(pki.srv_key()).unwrap()
        );
        let p = pki.env.path("srv-with-key.pem");
        std::fs::write(&p, pem).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        pki
    }
    pub fn file(&self, n: &str, ext: &str) -> String {
        let env = if n == "mallory" {
            &self.other
        } else {
            &self.env
        };
        env.pki()
            .join(format!("certs/{n}/{n}.{ext}"))
            .display()
            .to_string()
    }
    /// The trust bundle (the Prod root).
    pub fn ca(&self) -> String {
        self.env.pki().join("ca.crt").display().to_string()
    }
    /// The CRLs of the root and the intermediate, PEM.
    pub fn crl(&self) -> String {
        self.env.pki().join("crl.pem").display().to_string()
    }
    /// Server chain (leaf + intermediate).
    pub fn srv_crt(&self) -> String {
        self.file("srv", "crt")
    }
    pub fn srv_key(&self) -> String {
        self.file("srv", "key")
    }
    pub fn srv_pem(&self) -> String {
        self.env.path("srv-with-key.pem").display().to_string()
    }
    /// A fresh directory for one server's configuration, logs and data.
    pub fn dir(&self, name: &str) -> PathBuf {
        let d = self.env.path(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }
    /// The (cert, key) files of an identity.
    pub fn id(&self, id: Id) -> Option<(String, String)> {
        let n = match id {
            Id::NoCert => return None,
            Id::Valid => "rails",
            Id::Revoked => "gone",
            Id::Foreign => "mallory",
        };
        Some((self.file(n, "crt"), self.file(n, "key")))
    }
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

// ---------------------------------------------------------------------------------------
// Launchers

/// nginx with HTTP/2 on the TLS port; `server_body` goes inside `server { }` after the
/// certificate lines.
pub fn nginx(pki: &Pki, name: &str, server_body: &str) -> Nginx {
    let body = format!(
        "  ssl_certificate {};\n  ssl_certificate_key {};\n  ssl_client_certificate {};\n  \
         ssl_verify_depth 3;\n{server_body}",
        pki.srv_crt(),
        pki.srv_key(),
        pki.ca()
    );
    Nginx::start_with(&pki.dir(name), "ssl http2", &body)
}

/// apache2 (event MPM, mod_ssl, mod_http2, `Protocols h2 http/1.1`) serving `ok` at `/`
/// and at `/secure`; `vhost` goes inside the `<VirtualHost>` after the certificate lines.
pub fn apache(pki: &Pki, name: &str, vhost: &str) -> Peer {
    let dir = pki.dir(name);
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("index.html"), "ok\n").unwrap();
    std::fs::write(docs.join("secure"), "ok\n").unwrap();
    // Workers run as www-data: they read the documents.
    for p in [&dir, &docs] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let tmp = pki.env.tmp.path();
    for p in [
        tmp.to_path_buf(),
        docs.join("index.html"),
        docs.join("secure"),
    ] {
        let m = if p.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
    }
    let (crt, key, ca, crl) = (pki.srv_crt(), pki.srv_key(), pki.ca(), pki.crl());
    let d = s(&dir);
    let docs = s(&docs);
    let vhost = vhost.to_string();
    let m = "/usr/lib/apache2/modules";
    launch("apache2", &dir, &["error.log"], move |port| {
        let conf = format!(
            "ServerRoot {d}\nPidFile {d}/apache2.pid\nDefaultRuntimeDir {d}\nMutex file:{d}\n\
             ScoreBoardFile {d}/scoreboard\nErrorLog {d}/error.log\nLogLevel info ssl:info\n\
             ServerName localhost\nUser www-data\nGroup www-data\n\
             LoadModule mpm_event_module {m}/mod_mpm_event.so\n\
             LoadModule authz_core_module {m}/mod_authz_core.so\n\
             LoadModule authz_host_module {m}/mod_authz_host.so\n\
             LoadModule dir_module {m}/mod_dir.so\n\
             LoadModule socache_shmcb_module {m}/mod_socache_shmcb.so\n\
             LoadModule ssl_module {m}/mod_ssl.so\n\
             LoadModule http2_module {m}/mod_http2.so\n\
             StartServers 1\nServerLimit 1\nThreadsPerChild 16\nMaxRequestWorkers 16\n\
             SSLSessionCache shmcb:{d}/ssl_scache(512000)\nSSLRandomSeed startup builtin\n\
             Listen 127.0.0.1:{port} https\n\
             <VirtualHost 127.0.0.1:{port}>\n ServerName localhost\n DocumentRoot {docs}\n \
             DirectoryIndex index.html\n Protocols h2 http/1.1\n SSLEngine on\n \
             SSLCertificateFile {crt}\n SSLCertificateKeyFile {key}\n \
             SSLCACertificateFile {ca}\n SSLVerifyDepth 3\n \
             <Directory {docs}>\n  Require all granted\n </Directory>\n{vhost}\n\
             </VirtualHost>\n"
        )
        .replace("@CRL@", &crl);
        let conf_path = format!("{d}/apache2.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new("/usr/sbin/apache2");
        c.args(["-d", &d, "-f", &conf_path, "-DFOREGROUND"]);
        c
    })
}

/// haproxy (`-db`: foreground) with `global`/`defaults` and `body` (frontends and
/// backends) where `@PORT@`, `@CRT@` (chain + key), `@CA@`, `@CRL@`, `@DIR@` are replaced.
pub fn haproxy(pki: &Pki, name: &str, body: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (pem, ca, crl) = (pki.srv_pem(), pki.ca(), pki.crl());
    let body = body.to_string();
    launch("haproxy", &dir, &[], move |port| {
        let conf = format!(
            "global\n  log stderr format raw local0 info\n  pidfile {d}/haproxy.pid\n\
             defaults\n  log global\n  option httplog\n  timeout connect 5s\n  \
             timeout client 30s\n  timeout server 30s\n\n{body}\n"
        )
        .replace("@PORT@", &port.to_string())
        .replace("@CRT@", &pem)
        .replace("@CA@", &ca)
        .replace("@CRL@", &crl)
        .replace("@DIR@", &d);
        let conf_path = format!("{d}/haproxy.cfg");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("haproxy"));
        c.args(["-db", "-f", &conf_path]);
        c
    })
}

/// caddy with the admin API off, no automatic HTTPS (no ACME, nothing on :80/:443): site
/// `https://localhost:PORT` bound to 127.0.0.1, answering `ok`, with `client_auth` `mode`.
pub fn caddy(pki: &Pki, name: &str, mode: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let mode = mode.to_string();
    launch("caddy", &dir, &[], move |port| {
        let conf = format!(
            "{{\n  admin off\n  auto_https off\n  storage file_system {d}/data\n}}\n\
             https://localhost:{port} {{\n  bind 127.0.0.1\n  tls {crt} {key} {{\n    \
             client_auth {{\n      mode {mode}\n      trusted_ca_cert_file {ca}\n    }}\n  }}\n  \
             respond \"ok\" 200\n}}\n"
        );
        let conf_path = format!("{d}/Caddyfile");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("caddy"));
        c.args(["run", "--adapter", "caddyfile", "--config", &conf_path])
            .env("HOME", &d)
            .env("XDG_DATA_HOME", format!("{d}/data"))
            .env("XDG_CONFIG_HOME", format!("{d}/config"));
        c
    })
}

/// etcd serving clients over TLS with `--client-cert-auth` (and the CRL), data in the temp
/// dir, peers on a second free port (plaintext, loopback).
pub fn etcd(pki: &Pki, name: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (crt, key, ca, crl) = (pki.srv_crt(), pki.srv_key(), pki.ca(), pki.crl());
    launch("etcd", &dir, &[], move |port| {
        let peer = free_port();
        let client = format!("https://127.0.0.1:{port}");
        let peer_url = format!("http://127.0.0.1:{peer}");
        let mut c = Command::new(program("etcd"));
        c.args([
            "--name",
            "t",
            "--data-dir",
            &format!("{d}/data"),
            "--listen-client-urls",
            &client,
            "--advertise-client-urls",
            &client,
            "--listen-peer-urls",
            &peer_url,
            "--initial-advertise-peer-urls",
            &peer_url,
            "--initial-cluster",
            &format!("t={peer_url}"),
            "--cert-file",
            &crt,
            "--key-file",
            &key,
            "--client-cert-auth",
            "--trusted-ca-file",
            &ca,
            "--client-crl-file",
            &crl,
        ]);
        c
    })
}

/// The python grpcio server of `tests/peers/grpc_server.py`: `mode` is `required` (TLS,
/// client certificate required) or `insecure` (plaintext).
pub fn grpcio(pki: &Pki, name: &str, mode: &str) -> Peer {
    let dir = pki.dir(name);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/grpc_server.py");
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let mode = mode.to_string();
    launch("grpcio", &dir, &[], move |port| {
        let mut c = Command::new(PY);
        c.arg(&script)
            .args(["serve", &port.to_string(), &mode, &crt, &key, &ca]);
        c
    })
}

/// tests/peers/grpc_go_server.go, built once per test process, offline, in GOPATH mode
/// against Debian's golang-google-grpc-dev (/usr/share/gocode); Err with why when it
/// cannot be built (Go or the package missing).
pub fn grpc_go_binary() -> Result<PathBuf, String> {
    static BIN: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/grpc_go_server.go");
        let dir = std::env::temp_dir().join(format!("secctl-grpc-go-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("gopath")).map_err(|e| e.to_string())?;
        let bin = dir.join("grpc_go_server");
        let out = Command::new("go")
            .arg("build")
            .arg("-o")
            .arg(&bin)
            .arg(&src)
            .env("GO111MODULE", "off")
            .env(
                "GOPATH",
                format!("{}:/usr/share/gocode", dir.join("gopath").display()),
            )
            .env("GOCACHE", dir.join("cache"))
            .env("GOFLAGS", "")
            .env("GOPROXY", "off")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("go: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "go build {}: {}",
                src.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(bin)
    })
    .clone()
}

/// A grpc-go server (grpc_go_server.go): `insecure`, `required` (TLS, client certificate
/// required and verified at the handshake) or `interceptor` (TLS, a certificate verified if
/// given; a per-request interceptor answers UNAUTHENTICATED without a verified one).
pub fn grpc_go(pki: &Pki, name: &str, mode: &str) -> Peer {
    let bin = grpc_go_binary().unwrap_or_else(|e| panic!("cannot build the grpc-go peer: {e}"));
    let dir = pki.dir(name);
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let mode = mode.to_string();
    launch("grpc-go", &dir, &[], move |port| {
        let mut c = Command::new(&bin);
        c.args([&port.to_string(), &mode, &crt, &key, &ca]);
        c
    })
}

/// Debian's python: python3-grpcio is installed for it (not for a pyenv python on PATH).
pub const PY: &str = "/usr/bin/python3";

/// mosquitto with one TLS listener; `require_certificate` and the CRL when `require`.
pub fn mosquitto(pki: &Pki, name: &str, require: bool) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (crt, key, ca, crl) = (pki.srv_crt(), pki.srv_key(), pki.ca(), pki.crl());
    launch("mosquitto", &dir, &[], move |port| {
        let extra = if require {
            format!("require_certificate true\ncrlfile {crl}\n")
        } else {
            "require_certificate false\n".to_string()
        };
        let conf = format!(
            "user root\npersistence false\nlog_dest stderr\nlog_type all\n\
             per_listener_settings false\nallow_anonymous true\n\
             listener {port} 127.0.0.1\ncafile {ca}\ncertfile {crt}\nkeyfile {key}\n{extra}"
        );
        let conf_path = format!("{d}/mosquitto.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("mosquitto"));
        c.args(["-c", &conf_path]);
        c
    })
}

/// redis-server with only a plaintext port, no password (protected mode off: loopback).
pub fn redis_plain(pki: &Pki, name: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    launch("redis-server", &dir, &[], move |port| {
        let conf = format!(
            "port {port}\nbind 127.0.0.1\ndaemonize no\nsave \"\"\nappendonly no\n\
             protected-mode no\ndir {d}\n"
        );
        let conf_path = format!("{d}/redis.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("redis-server"));
        c.arg(&conf_path);
        c
    })
}

/// mosquitto with one plaintext listener, anonymous clients allowed.
pub fn mosquitto_plain(pki: &Pki, name: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    launch("mosquitto", &dir, &[], move |port| {
        let conf = format!(
            "user root\npersistence false\nlog_dest stderr\nlog_type all\n\
             per_listener_settings false\nallow_anonymous true\nlistener {port} 127.0.0.1\n"
        );
        let conf_path = format!("{d}/mosquitto.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("mosquitto"));
        c.args(["-c", &conf_path]);
        c
    })
}

/// redis-server with only a TLS port (`port 0`), `tls-auth-clients` = `auth`.
pub fn redis(pki: &Pki, name: &str, auth: &str) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let auth = auth.to_string();
    launch("redis-server", &dir, &[], move |port| {
        let conf = format!(
            "port 0\ntls-port {port}\nbind 127.0.0.1\ndaemonize no\nsave \"\"\nappendonly no\n\
             dir {d}\ntls-cert-file {crt}\ntls-key-file {key}\ntls-ca-cert-file {ca}\n\
             tls-auth-clients {auth}\n"
        );
        let conf_path = format!("{d}/redis.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("redis-server"));
        c.arg(&conf_path);
        c
    })
}

/// nats-server (Debian's, 2.9) on 127.0.0.1 with `tls`: `None` plaintext, `Some(verify)` a
/// `tls { }` block with the server chain and key, and with `ca_file` and `verify: true`
/// (client certificates required) when `verify`.
pub fn nats(pki: &Pki, name: &str, tls: Option<bool>) -> Peer {
    let dir = pki.dir(name);
    let d = s(&dir);
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    launch("nats-server", &dir, &[], move |port| {
        let block = match tls {
            None => String::new(),
            Some(false) => format!("tls {{\n  cert_file: \"{crt}\"\n  key_file: \"{key}\"\n}}\n"),
            Some(true) => format!(
                "tls {{\n  cert_file: \"{crt}\"\n  key_file: \"{key}\"\n  ca_file: \"{ca}\"\n  \
                 verify: true\n}}\n"
            ),
        };
        let conf = format!("listen: 127.0.0.1:{port}\n{block}");
        let conf_path = format!("{d}/nats.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut c = Command::new(program("nats-server"));
        c.args(["-c", &conf_path]);
        c
    })
}

/// The WebSocket echo server of `tests/peers/ws_server.py` (python3-websockets): `mode` is
/// `plain`, `tls` (no client certificate asked for) or `required` (TLS, a client
/// certificate of the Prod CA required at the handshake).
pub fn ws_server(pki: &Pki, name: &str, mode: &str) -> Peer {
    let dir = pki.dir(name);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/ws_server.py");
    let (crt, key, ca) = (pki.srv_crt(), pki.srv_key(), pki.ca());
    let mode = mode.to_string();
    launch("ws_server", &dir, &[], move |port| {
        let mut c = Command::new(PY);
        c.arg(&script)
            .args(["serve", &port.to_string(), &mode, &crt, &key, &ca]);
        c
    })
}

/// A server's program: /usr/sbin/NAME where Debian puts daemons, else NAME on PATH.
pub fn program(name: &str) -> PathBuf {
    let sbin = Path::new("/usr/sbin").join(name);
    if sbin.is_file() {
        sbin
    } else {
        PathBuf::from(name)
    }
}

/// Whether a program is installed (PATH or /usr/sbin).
pub fn installed(prog: &str) -> bool {
    have(prog) || Path::new("/usr/sbin").join(prog).is_file()
}

// ---------------------------------------------------------------------------------------
// Ground truth: the servers' own clients.

/// curl `https://localhost:PORT{path}` (resolved to 127.0.0.1) with identity `id` and
/// `extra` options (e.g. `--http2`, `--tlsv1.2`): (HTTP status, body); 0 when the TLS
/// handshake or the connection failed.
pub fn curl_id(pki: &Pki, port: u16, path: &str, id: Id, extra: &[&str]) -> (u16, String) {
    let url = format!("https://localhost:{port}{path}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let ca = pki.ca();
    let mut args: Vec<String> = vec!["--resolve".into(), resolve, "--cacert".into(), ca];
    if let Some((c, k)) = pki.id(id) {
        args.extend(["--cert".into(), c, "--key".into(), k]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let (code, body) = curl(&url, &a);
    (code, body)
}

/// What curl got: HTTP version (`1.1`, `2`; `0` when nothing), status (0 when the TLS
/// handshake or the connection failed), body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Got {
    pub version: String,
    pub status: u16,
    pub body: String,
}

/// curl `https://localhost:PORT{path}` (resolved to 127.0.0.1) with identity `id` over
/// HTTP/1.1 or (when `h2`) HTTP/2 only, never retried over the other version.
pub fn get(pki: &Pki, port: u16, path: &str, id: Id, h2: bool, extra: &[&str]) -> Got {
    let url = format!("https://localhost:{port}{path}");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let ca = pki.ca();
    let mut args: Vec<String> = vec![
        "--silent".into(),
        "--max-time".into(),
        "10".into(),
        "--write-out".into(),
        "\n%{http_version} %{http_code}".into(),
        "--resolve".into(),
        resolve,
        "--cacert".into(),
        ca,
        if h2 { "--http2" } else { "--http1.1" }.into(),
    ];
    if let Some((c, k)) = pki.id(id) {
        args.extend(["--cert".into(), c, "--key".into(), k]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(url);
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let r = tool("curl", &a);
    let (body, tail) = r.stdout.rsplit_once('\n').unwrap_or(("", "0 0"));
    let (version, status) = tail.split_once(' ').unwrap_or(("0", "0"));
    Got {
        version: version.to_string(),
        status: status.trim().parse().unwrap_or(0),
        body: body.to_string(),
    }
}

/// Plaintext curl `http://127.0.0.1:PORT/`: (status, body, Location header).
pub fn curl_plain(port: u16, extra: &[&str]) -> (u16, String) {
    curl(&format!("http://127.0.0.1:{port}/"), extra)
}

/// What `openssl s_client` saw: whether a certificate was requested, whether the
/// handshake completed, the alert the server sent (if any), the version, and what the
/// server answered to `send` (stdout after the handshake).
#[derive(Debug)]
pub struct Handshake {
    pub requested: bool,
    pub completed: bool,
    pub alert: Option<String>,
    pub version: String,
    pub answer: String,
    pub raw: String,
}

/// `openssl s_client -connect 127.0.0.1:PORT -servername localhost` with identity `id`
/// (its whole chain), sending `send` and reading until the server closes (at most 4 s).
pub fn s_client(pki: &Pki, port: u16, id: Id, send: &str, extra: &[&str]) -> Handshake {
    use std::io::Write;
    let connect = format!("127.0.0.1:{port}");
    let ca = pki.ca();
    let mut args: Vec<String> = [
        "3",
        "openssl",
        "s_client",
        "-connect",
        &connect,
        "-servername",
        "localhost",
        "-CAfile",
        &ca,
        "-ign_eof",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if let Some((c, k)) = pki.id(id) {
        args.extend([
            "-cert".into(),
            c.clone(),
            "-cert_chain".into(),
            c,
            "-key".into(),
            k,
        ]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut child = Command::new("timeout")
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let send = send.to_string();
    let w = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let _ = stdin.write_all(send.as_bytes());
        std::thread::sleep(Duration::from_millis(1500));
        drop(stdin);
    });
    let o = child.wait_with_output().unwrap();
    let _ = w.join();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let raw = format!("{out}\n{err}");
    let requested = raw.contains("Acceptable client certificate CA names")
        || raw.contains("Client Certificate Types")
        || raw.contains("Requested Signature Algorithms");
    let completed = raw.contains("Verify return code") && !raw.contains("Cipher is (NONE)");
    let alert = raw
        .lines()
        .find_map(|l| {
            l.split_once("alert ").map(|(_, a)| {
                let name = a.split(':').next().unwrap_or("").trim();
                name.replace(' ', "_")
            })
        })
        .filter(|a| !a.is_empty());
    let version = raw
        .lines()
        .find_map(|l| l.trim().strip_prefix("Protocol  : ").map(str::to_string))
        .or_else(|| {
            raw.lines()
                .find_map(|l| l.strip_prefix("New, ").map(|r| r.to_string()))
        })
        .unwrap_or_default();
    let answer = out
        .rsplit_once("---\n")
        .map(|(_, a)| a.to_string())
        .unwrap_or_default();
    Handshake {
        requested,
        completed,
        alert,
        version,
        answer,
        raw,
    }
}

/// `mosquitto_pub` over TLS with identity `id`: whether the publish succeeded.
pub fn mqtt_pub(pki: &Pki, port: u16, id: Id) -> Run {
    let p = port.to_string();
    let ca = pki.ca();
    let mut args = vec![
        "-h",
        "127.0.0.1",
        "-p",
        &p,
        "--cafile",
        &ca,
        "-t",
        "t",
        "-m",
        "m",
        "-q",
        "1",
    ];
    let cert;
    if let Some((c, k)) = pki.id(id) {
        cert = (c, k);
        args.extend_from_slice(&["--cert", &cert.0, "--key", &cert.1]);
    }
    tool_timeout("mosquitto_pub", &args)
}

/// `redis-cli --tls PING` with identity `id`.
pub fn redis_ping(pki: &Pki, port: u16, id: Id) -> Run {
    let p = port.to_string();
    let ca = pki.ca();
    let mut args = vec![
        "-h",
        "127.0.0.1",
        "-p",
        &p,
        "--tls",
        "--sni",
        "localhost",
        "--cacert",
        &ca,
    ];
    let cert;
    if let Some((c, k)) = pki.id(id) {
        cert = (c, k);
        args.extend_from_slice(&["--cert", &cert.0, "--key", &cert.1]);
    }
    args.push("PING");
    tool_timeout("redis-cli", &args)
}

/// `etcdctl endpoint health` (gRPC over TLS) with identity `id`.
pub fn etcdctl_health(pki: &Pki, port: u16, id: Id) -> Run {
    let ep = format!("--endpoints=https://127.0.0.1:{port}");
    let ca = format!("--cacert={}", pki.ca());
    let mut args = vec![
        ep,
        ca,
        "--dial-timeout=3s".into(),
        "--command-timeout=3s".into(),
    ];
    if let Some((c, k)) = pki.id(id) {
        args.push(format!("--cert={c}"));
        args.push(format!("--key={k}"));
    }
    args.extend(["endpoint".into(), "health".into()]);
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let mut c = Command::new("timeout");
    c.args(["10", "etcdctl"]).args(&a).env("ETCDCTL_API", "3");
    to_run(c.stdin(Stdio::null()).output().unwrap())
}

/// The python gRPC client: `grpc.health.v1.Health/Check` over TLS (or plaintext when
/// `plain`), with identity `id`: stdout is `status OK` or `error <CODE> <details>`.
pub fn grpc_check(pki: &Pki, port: u16, id: Id, plain: bool) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/grpc_server.py");
    let (c, k) = pki.id(id).unwrap_or(("-".into(), "-".into()));
    let mode = if plain { "insecure" } else { "tls" };
    let mut cmd = Command::new("timeout");
    cmd.args(["15", PY])
        .arg(script)
        .args(["check", &port.to_string(), mode, &pki.ca(), &c, &k]);
    to_run(cmd.stdin(Stdio::null()).output().unwrap())
}

/// The NATS ground truth (`tests/peers/nats_client.py`, the Python standard library): INFO,
/// TLS on the same connection when it says `tls_required`, CONNECT and PING with identity
/// `id`. stdout: `info tls_required=<True|False> tls_verify=<True|False>`, then `ok` (PONG),
/// `error alert <name>` or `error <what>`.
pub fn nats_check(pki: &Pki, port: u16, id: Id) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/nats_client.py");
    let (c, k) = pki.id(id).unwrap_or(("-".into(), "-".into()));
    let mut cmd = Command::new("timeout");
    cmd.args(["15", PY])
        .arg(script)
        .args([&port.to_string(), &pki.ca(), &c, &k]);
    to_run(cmd.stdin(Stdio::null()).output().unwrap())
}

/// The WebSocket ground truth: python3-websockets' client opens `ws://` (`mode` `plain`) or
/// `wss://` (server name localhost, the Prod CA) with identity `id`, sends a message and
/// waits for its echo. stdout: `ok`, or `error <exception>: <message>`.
pub fn ws_check(pki: &Pki, port: u16, mode: &str, id: Id) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/ws_server.py");
    let (c, k) = pki.id(id).unwrap_or(("-".into(), "-".into()));
    let mut cmd = Command::new("timeout");
    cmd.args(["15", PY])
        .arg(script)
        .args(["check", &port.to_string(), mode, &pki.ca(), &c, &k]);
    to_run(cmd.stdin(Stdio::null()).output().unwrap())
}

/// Run a program with a 15 s limit.
pub fn tool_timeout(prog: &str, args: &[&str]) -> Run {
    let mut a = vec!["15", prog];
    a.extend_from_slice(args);
    tool("timeout", &a)
}

// ---------------------------------------------------------------------------------------
// The probe and its rows.

/// The options of a live check of the loopback peer on `port`: `127.0.0.1:PORT --ca
/// pki/ca.crt --servername localhost --timeout 3`, then `more`, identity `id` as
/// `--cert/--key`, then `extra`.
pub fn live_args(pki: &Pki, port: u16, id: Id, more: &[&str], extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        format!("127.0.0.1:{port}"),
        "--ca".into(),
        pki.ca(),
        "--servername".into(),
        "localhost".into(),
        "--timeout".into(),
        "3".into(),
    ];
    args.extend(more.iter().map(|s| s.to_string()));
    if let Some((c, k)) = pki.id(id) {
        args.extend(["--cert".into(), c, "--key".into(), k]);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// `secctl -o json probe` with [`live_args`]: (exit code, first target).
pub fn probe(pki: &Pki, port: u16, id: Id, extra: &[&str]) -> (i32, serde_json::Value) {
    let args = live_args(pki, port, id, &[], extra);
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    probe_json(&pki.env, &a)
}

/// One line per row, for failure messages: the fields that are asserted.
pub fn rows_text(target: &serde_json::Value) -> String {
    let mut out = String::new();
    for t in target["transports"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "  {:7} served={} enc={} redirect={} server={} client={} untrusted_ok={} given={}{} | {}\n",
            t["transport"].as_str().unwrap_or("?"),
            t["served"],
            t["encrypted"],
            t["redirect"],
            t["server_auth"],
            t["client_auth"],
            t["untrusted_client_accepted"],
            t["given_cert"],
            t.get("revoked_client_accepted")
                .map_or(String::new(), |r| format!(" revoked_ok={r}")),
            t["detail"].as_str().unwrap_or("")
        ));
    }
    out.push_str(&format!("  summary {}\n", target["summary"]));
    out
}

// ---------------------------------------------------------------------------------------
// Expected rows.

/// What `given_cert` must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum G {
    /// null (no `--cert`, a plaintext row, or a row nothing answered and nothing refused).
    Null,
    /// "accepted".
    Accepted,
    /// "refused: ..." containing this text ("" when only the prefix is certain).
    Refused(&'static str),
    /// "not checked: ...".
    NotChecked,
    /// Anything but "accepted": refused, not checked, or null.
    NotAccepted,
}

/// One expected row of the matrix.
#[derive(Clone, Debug)]
pub struct Exp {
    pub transport: &'static str,
    pub served: bool,
    pub encrypted: Option<bool>,
    /// The redirect's prefix (`https://`), or none.
    pub redirect: Option<&'static str>,
    pub server_auth: &'static str,
    pub client_auth: &'static str,
    pub untrusted: bool,
    pub given: G,
    /// Texts the detail must contain.
    pub detail: Vec<&'static str>,
    /// Only served, encrypted, redirect, untrusted and "not accepted" are asserted (a
    /// service row of a port that does not speak that service).
    pub loose: bool,
}

pub const PLAIN: [&str; 3] = ["http1", "h2c", "grpc"];
pub const APPS: [&str; 3] = ["https1", "h2", "grpcs"];
pub const ORDER: [&str; 7] = ["http1", "h2c", "grpc", "tls", "https1", "h2", "grpcs"];
/// The rows after the seven: the services (PostgreSQL, Redis, MQTT), the WebSocket upgrade
/// and NATS.
pub const SERVICES: [&str; 10] = [
    "postgres",
    "postgres-tls",
    "redis",
    "redis-tls",
    "mqtt",
    "mqtt-tls",
    "ws",
    "wss",
    "nats",
    "nats-tls",
];

impl Exp {
    /// A served TLS row (`tls` or an application row) with a trusted server chain.
    pub fn tls(transport: &'static str, client_auth: &'static str, given: G) -> Exp {
        Exp {
            transport,
            served: true,
            encrypted: Some(true),
            redirect: None,
            server_auth: "trusted",
            client_auth,
            untrusted: false,
            given,
            detail: vec![],
            loose: false,
        }
    }
    /// A TLS row the server did not serve after presenting its (trusted) chain.
    pub fn unserved(transport: &'static str, client_auth: &'static str, given: G) -> Exp {
        Exp {
            served: false,
            encrypted: None,
            ..Exp::tls(transport, client_auth, given)
        }
    }
    /// A plaintext row with nothing served (refused, closed or TLS-only).
    pub fn no_plain(transport: &'static str) -> Exp {
        Exp {
            transport,
            served: false,
            encrypted: None,
            redirect: None,
            server_auth: "none",
            client_auth: "none",
            untrusted: false,
            given: G::Null,
            detail: vec![],
            loose: false,
        }
    }
    /// A row of a service the port does not speak: not served, the given certificate not
    /// accepted there.
    pub fn not_spoken(transport: &'static str) -> Exp {
        Exp {
            loose: true,
            given: G::NotAccepted,
            ..Exp::no_plain(transport)
        }
    }
    /// A plaintext row answered with content.
    pub fn plain(transport: &'static str) -> Exp {
        Exp {
            served: true,
            encrypted: Some(false),
            ..Exp::no_plain(transport)
        }
    }
    /// A plaintext row that only redirects to https://.
    pub fn redirect(transport: &'static str) -> Exp {
        Exp {
            redirect: Some("https://"),
            ..Exp::plain(transport)
        }
    }
    /// A TLS row where nothing was presented (a plaintext-only port).
    pub fn no_tls(transport: &'static str) -> Exp {
        Exp::no_plain(transport)
    }
    pub fn untrusted(mut self) -> Exp {
        self.untrusted = true;
        self
    }
    pub fn detail(mut self, needles: &[&'static str]) -> Exp {
        self.detail.extend_from_slice(needles);
        self
    }
}

/// What `revoked_client_accepted` must be on a row whose `given_cert` with the revoked
/// certificate as `--cert` is `e.given` (the canary is judged by the same rules): absent on
/// plaintext rows; true only where a certificate is demanded (elsewhere getting in shows
/// nothing: null); `None`: anything but true.
pub fn canary_expected(e: &Exp) -> Option<serde_json::Value> {
    use serde_json::Value;
    if PLAIN.contains(&e.transport)
        || ["postgres", "redis", "mqtt", "ws", "nats"].contains(&e.transport)
    {
        return Some(Value::from("absent"));
    }
    let demanded = ["required", "per-request"].contains(&e.client_auth) && !e.loose;
    match e.given {
        G::Accepted if demanded => Some(Value::Bool(true)),
        G::Accepted => Some(Value::Null),
        G::Refused(_) => Some(Value::Bool(false)),
        G::Null | G::NotChecked => Some(Value::Null),
        G::NotAccepted => None,
    }
}

/// Every field of one row that differs from `e`, one message each.
pub fn check_row(target: &serde_json::Value, e: &Exp, ctx: &str) -> Vec<String> {
    let t = transport(target, e.transport);
    let mut bad = Vec::new();
    let mut want = |field: &str, ok: bool, expected: String| {
        if !ok {
            bad.push(format!(
                "{ctx}: {} {field} is {}, want {expected}",
                e.transport, t[field]
            ));
        }
    };
    want(
        "served",
        t["served"].as_bool() == Some(e.served),
        e.served.to_string(),
    );
    want(
        "encrypted",
        t["encrypted"].as_bool() == e.encrypted
            && (e.encrypted.is_some() || t["encrypted"].is_null()),
        format!("{:?}", e.encrypted),
    );
    want(
        "redirect",
        match e.redirect {
            None => t["redirect"].is_null(),
            Some(p) => t["redirect"].as_str().is_some_and(|r| r.starts_with(p)),
        },
        format!("{:?}", e.redirect),
    );
    want(
        "server_auth",
        e.loose || t["server_auth"] == e.server_auth,
        e.server_auth.to_string(),
    );
    want(
        "client_auth",
        e.loose || t["client_auth"] == e.client_auth,
        e.client_auth.to_string(),
    );
    want(
        "untrusted_client_accepted",
        t["untrusted_client_accepted"].as_bool() == Some(e.untrusted),
        e.untrusted.to_string(),
    );
    let g = &t["given_cert"];
    let ok = match e.given {
        G::Null => g.is_null(),
        G::Accepted => g == "accepted",
        G::Refused(s) => g
            .as_str()
            .is_some_and(|g| g.starts_with("refused: ") && g.contains(s)),
        G::NotChecked => g.as_str().is_some_and(|g| g.starts_with("not checked: ")),
        G::NotAccepted => g != "accepted",
    };
    want("given_cert", ok, format!("{:?}", e.given));
    let detail = t["detail"].as_str().unwrap_or("");
    for n in &e.detail {
        want(
            "detail",
            detail.contains(n),
            format!("one containing {n:?}"),
        );
    }
    bad
}
