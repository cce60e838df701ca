//! Terminal escape injection (issue #19, item 1): text from a certificate or a server
//! (subject, issuer, SANs, OU, HTTP status line, `Location:`) reaches the terminal escaped.
//! Each test first shows the hostile input really carries the raw bytes (in the JSON
//! output, which serde escapes, or in the certificate), then asserts the text output holds
//! none of them and shows the escaped form instead.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};

/// ESC sequences (clear screen, cursor home, an OSC title), CR/LF, a C1 CSI, BEL and DEL.
const EVIL_CN: &str = "evil\x1b[2J\x1b[H\u{9b}31mverified\r\nstatus            valid";
const EVIL_OU: &str = "ops\nstatus            valid";
const EVIL_ISSUER: &str = "Evil CA\x1b]0;pwned\x07\x7f";
const EVIL_DNS: &str = "host\x1b[1;1H.test";

/// The raw bytes that must never reach the terminal.
const RAW: &[char] = &['\x1b', '\r', '\x07', '\x7f', '\u{9b}'];

/// Asserts `text` holds none of the raw controls and no line forged to start with `status`
/// or `verified` (the forged report lines), and that it shows `escaped`.
fn assert_escaped(what: &str, text: &str, escaped: &[&str]) {
    for c in RAW {
        assert!(
            !text.contains(*c),
            "{what}: raw {c:?} reached the terminal: {text:?}"
        );
    }
    for l in text.lines() {
        let t = l.trim_start();
        assert!(
            !(t.starts_with("status            valid") || t.starts_with("verified\\")),
            "{what}: forged line {l:?} in {text:?}"
        );
    }
    for e in escaped {
        assert!(text.contains(e), "{what}: {e:?} not shown in {text:?}");
    }
}

fn dn(cn: &str, ou: Option<&str>) -> DistinguishedName {
    let mut d = DistinguishedName::new();
    d.push(DnType::CommonName, DnValue::Utf8String(cn.into()));
    if let Some(ou) = ou {
        d.push(
            DnType::OrganizationalUnitName,
            DnValue::Utf8String(ou.into()),
        );
    }
    d
}

/// A hostile CA and a leaf it signed (server and client usage, SANs 127.0.0.1 and a DNS
/// name with an escape): files `hostile-ca.crt`, `hostile.crt`, `hostile.key` in `dir`.
fn hostile_pki(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::default();
    ca.distinguished_name = dn(EVIL_ISSUER, None);
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let (crt, key) = leaf(&issuer);
    let paths = (
        dir.join("hostile-ca.crt"),
        dir.join("hostile.crt"),
        dir.join("hostile.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, crt).unwrap();
    std::fs::write(&paths.2, key).unwrap();
    (paths.0, paths.1, paths.2)
}

/// A leaf with the hostile CN, OU and SANs signed by `issuer`: (cert PEM, key PEM).
fn leaf<S: rcgen::SigningKey>(issuer: &Issuer<'_, S>) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(EVIL_CN, Some(EVIL_OU));
    p.subject_alt_names = vec![
        SanType::IpAddress("127.0.0.1".parse().unwrap()),
        SanType::DnsName(EVIL_DNS.try_into().unwrap()),
    ];
    p.is_ca = IsCa::ExplicitNoCa;
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    p.use_authority_key_identifier_extension = true;
    let c = p.signed_by(&key, issuer).unwrap();
    (c.pem(), key.serialize_pem())
}

#[test]
fn cert_show_escapes_a_hostile_certificate() {
    let env = Env::new();
    let (_, crt, _) = hostile_pki(env.tmp.path());
    let crt = crt.to_str().unwrap();
    // The JSON output carries the raw characters (serde escapes them): the input is hostile.
    let v = env.run(&["-o", "json", "cert", "show", crt]).ok().json();
    assert_eq!(v["certificate"]["common_name"], EVIL_CN);
    assert_eq!(v["certificate"]["role"], EVIL_OU);
    assert_eq!(v["certificate"]["dns_names"][0], EVIL_DNS);
    let r = env.run(&["cert", "show", crt]).ok();
    assert_escaped(
        "cert show",
        &r.stdout,
        &[
            "evil\\x1b[2J\\x1b[H\\x9b31mverified\\r\\nstatus            valid",
            "ops\\nstatus            valid",
            "Evil CA\\x1b]0;pwned\\x07\\x7f",
            "host\\x1b[1;1H.test",
        ],
    );
    // Exactly one status line, the real one.
    let status: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.starts_with("status"))
        .collect();
    assert_eq!(status.len(), 1, "{:?}", r.stdout);
    assert_escaped("cert show (stderr)", &r.stderr, &[]);
}

#[test]
fn verify_file_escapes_a_hostile_certificate() {
    let env = Env::new();
    let (ca, crt, _) = hostile_pki(env.tmp.path());
    let r = env.run(&[
        "verify",
        crt.to_str().unwrap(),
        "--ca",
        ca.to_str().unwrap(),
        "--no-revocation",
        "--host",
        "other.test",
    ]);
    // The host does not match, and the DNS SAN with control characters is no host name
    // (RFC 5280 4.2.1.6): real failures, reported, not forged into "verified".
    assert_eq!(r.code, 1, "{} {}", r.stdout, r.stderr);
    assert_escaped(
        "verify FILE",
        &r.stdout,
        &["CN=evil\\x1b[2J\\x1b[H\\x9b31mverified\\r\\nstatus"],
    );
    assert_escaped("verify FILE (stderr)", &r.stderr, &[]);
    assert_eq!(
        r.stdout.lines().last(),
        Some("NOT verified: chain, host failed"),
        "{}",
        r.stdout
    );
}

/// `openssl s_server -www` with the hostile certificate on a free loopback port.
struct SServer {
    child: Child,
    port: u16,
}

impl SServer {
    fn start(crt: &Path, key: &Path) -> SServer {
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new("openssl")
                .args(["s_server", "-quiet", "-www", "-accept"])
                .arg(format!("127.0.0.1:{port}"))
                .arg("-cert")
                .arg(crt)
                .arg("-key")
                .arg(key)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("openssl s_server");
            let t0 = Instant::now();
            while t0.elapsed() < Duration::from_secs(5) {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return SServer { child, port };
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("openssl s_server did not start");
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn verify_and_probe_escape_a_live_hostile_certificate() {
    assert!(have("openssl"), "openssl is a required test peer");
    let env = Env::new();
    let (ca, crt, key) = hostile_pki(env.tmp.path());
    let s = SServer::start(&crt, &key);
    let target = format!("127.0.0.1:{}", s.port);
    let ca = ca.to_str().unwrap();
    let r = env.run(&[
        "verify",
        &target,
        "--ca",
        ca,
        "--no-revocation",
        "--timeout",
        "3",
    ]);
    assert!(r.code == 0 || r.code == 1, "{} {}", r.stdout, r.stderr);
    assert_escaped(
        "verify HOST:PORT",
        &r.stdout,
        &["CN=evil\\x1b[2J\\x1b[H\\x9b31mverified\\r\\nstatus"],
    );
    assert_escaped("verify HOST:PORT (stderr)", &r.stderr, &[]);
    let r = env.run(&["probe", &target, "--ca", ca, "--timeout", "3"]);
    assert!(r.code == 0 || r.code == 1, "{} {}", r.stdout, r.stderr);
    assert!(r.stdout.contains("tls"), "{}", r.stdout);
    assert_escaped("probe (TLS)", &r.stdout, &[]);
    assert_escaped("probe (TLS, stderr)", &r.stderr, &[]);
}

/// A plaintext HTTP server that answers every request with a hostile status line and
/// `Location:`, until dropped.
struct HostileHttp {
    addr: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

const HOSTILE_ANSWER: &[u8] =
    b"HTTP/1.1 301 Moved\x1b[2J\x1b[H\rFORGED\nstatus            valid\r\n\
Location: https://evil.test/\x1b]0;pwned\x07\x1b[31mred\r\n\
Content-Length: 0\r\nConnection: close\r\n\r\n";

impl HostileHttp {
    fn start() -> HostileHttp {
        use std::sync::atomic::{AtomicBool, Ordering};
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                if s2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut c) = c else { continue };
                std::thread::spawn(move || {
                    let _ = c.set_read_timeout(Some(Duration::from_millis(500)));
                    let mut buf = [0u8; 4096];
                    let _ = c.read(&mut buf);
                    let _ = c.write_all(HOSTILE_ANSWER);
                });
            }
        });
        HostileHttp { addr, stop }
    }
}

impl Drop for HostileHttp {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

#[test]
fn probe_escapes_a_hostile_http_answer() {
    let env = Env::new();
    let peer = HostileHttp::start();
    // JSON keeps the raw text (escaped by serde): the answer really is hostile.
    let (_, m) = probe_json(&env, &[&peer.addr, "--timeout", "1"]);
    let http1 = transport(&m, "http1");
    assert!(
        http1["redirect"].as_str().unwrap().contains('\x1b'),
        "{http1}"
    );
    let h2c = transport(&m, "h2c")["detail"].as_str().unwrap().to_string();
    assert!(h2c.contains("\x1b[2J"), "{h2c}");
    let r = env.run(&["probe", &peer.addr, "--timeout", "1"]);
    assert!(r.code == 0 || r.code == 1, "{} {}", r.stdout, r.stderr);
    assert_escaped(
        "probe (hostile HTTP)",
        &r.stdout,
        &[
            // Location, in the http1 row.
            "https://evil.test/\\x1b]0;pwned\\x07\\x1b[31mred",
            // The status line with its reason phrase, in the h2c row.
            "HTTP/1.1 301 Moved\\x1b[2J\\x1b[H\\rFORGED\\nstatus            valid",
        ],
    );
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("FORGED")),
        "{}",
        r.stdout
    );
    assert_escaped("probe (hostile HTTP, stderr)", &r.stderr, &[]);
}

#[test]
fn serve_log_escapes_a_hostile_client_identity() {
    assert!(have("curl"), "curl is a required test peer");
    let env = Env::new();
    env.run(&["ca", "init", "--name", "Prod"]).ok();
    env.run(&["cert", "node", "srv", "--host", "127.0.0.1"])
        .ok();
    // A client certificate from the server's own CA whose CN and OU carry a newline and
    // escapes: without escaping, `-v` logs a forged second line.
    let pki = env.pki();
    let root = std::fs::read_to_string(pki.join("ca/root.crt")).unwrap();
    let root_key =
        KeyPair::from_pem(&std::fs::read_to_string(pki.join("ca/root.key")).unwrap()).unwrap();
    let issuer = Issuer::from_ca_cert_pem(&root, root_key).unwrap();
    let (crt, key) = leaf(&issuer);
    let crt_p = env.write("evil-client.crt", &crt);
    let key_p = env.write("evil-client.key", &key);
    let s = Serve::start(&env, &["--name", "srv"]);
    let url = format!("https://{}/", s.addr);
    let ca = pki.join("ca.crt");
    let (code, _) = curl(
        &url,
        &[
            "--cacert",
            ca.to_str().unwrap(),
            "--cert",
            crt_p.to_str().unwrap(),
            "--key",
            key_p.to_str().unwrap(),
        ],
    );
    assert_ne!(code, 0, "curl got no HTTP answer");
    // The log line is written when the connection is accepted; give it a moment.
    let t0 = Instant::now();
    let log = loop {
        let log: String = std::fs::read_dir(env.tmp.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("serve-"))
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect();
        if log.contains("identity=") || t0.elapsed() > Duration::from_secs(5) {
            break log;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(s);
    assert!(log.contains("identity=ops\\nstatus"), "{log:?}");
    assert_escaped(
        "serve -v",
        &log,
        &["identity=ops\\nstatus            valid/evil\\x1b[2J"],
    );
}
