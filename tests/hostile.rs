//! Hostile and broken peers on loopback: each costs the probe at most its deadline, never a
//! hang or a panic, and is classified where a classification is possible.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;

/// A misbehaving TCP server in a thread; stopped on drop.
struct Peer {
    addr: String,
    stop: Arc<AtomicBool>,
}

impl Peer {
    fn start(behave: fn(TcpStream)) -> Peer {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let s2 = stop.clone();
        std::thread::spawn(move || {
            for c in l.incoming() {
                if s2.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(c) = c {
                    std::thread::spawn(move || behave(c));
                }
            }
        });
        Peer { addr, stop }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
    }
}

const TIMEOUT: f64 = 1.0;

/// Probe with a 1 s step timeout; the whole target must finish within its deadline.
fn probe_timed(env: &Env, addr: &str, extra: &[&str]) -> serde_json::Value {
    let t0 = Instant::now();
    let mut args = vec![addr, "--timeout", "1"];
    args.extend_from_slice(extra);
    let (_, m) = probe_json(env, &args);
    let took = t0.elapsed();
    assert!(
        took < Duration::from_secs_f64(TIMEOUT * 3.0 + 2.5),
        "{addr}: probe took {took:?}"
    );
    m
}

fn nothing_served(m: &serde_json::Value) {
    for t in ["http1", "h2c", "grpc", "tls", "https1", "h2", "grpcs"] {
        assert_eq!(transport(m, t)["served"], false, "{t}: {m}");
    }
    assert_eq!(m["summary"]["encrypted"], "none");
    assert_eq!(m["summary"]["mtls"], "none");
    for t in m["transports"].as_array().unwrap() {
        assert!(t["encrypted"].is_null(), "{t}");
        assert!(!t["detail"].as_str().unwrap().contains("os error"), "{t}");
    }
}

fn detail(m: &serde_json::Value, t: &str) -> String {
    transport(m, t)["detail"].as_str().unwrap().to_lowercase()
}

#[test]
fn silent_peer() {
    let p = Peer::start(|mut c| {
        let mut b = [0u8; 1024];
        let _ = c.set_read_timeout(Some(Duration::from_secs(10)));
        while let Ok(n) = c.read(&mut b) {
            if n == 0 {
                break;
            }
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert!(
        detail(&m, "http1").contains("no http/1.1 answer within"),
        "{m}"
    );
    assert!(detail(&m, "tls").contains("no tls handshake within"), "{m}");
}

#[test]
fn garbage_peer() {
    let p = Peer::start(|mut c| {
        let _ = c.write_all(b"\x00\xffGARBAGE\x01\x02 this is not a protocol\r\n\r\n\r\n");
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert!(detail(&m, "http1").contains("not http"), "{m}");
}

#[test]
fn resetting_peer() {
    // Closing with unread data in the receive buffer makes the kernel send a RST.
    let p = Peer::start(|c| {
        std::thread::sleep(Duration::from_millis(50));
        drop(c);
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
}

#[test]
fn dribbling_peer() {
    let p = Peer::start(|mut c| {
        for b in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" {
            if c.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(1000));
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    assert_eq!(transport(&m, "http1")["served"], false);
    assert_eq!(transport(&m, "tls")["served"], false);
}

#[test]
fn huge_headers_peer() {
    let p = Peer::start(|mut c| {
        let mut req = [0u8; 4096];
        let _ = c.read(&mut req);
        let _ = c.write_all(b"HTTP/1.1 200 OK\r\n");
        let line = format!("X-Junk: {}\r\n", "a".repeat(1000));
        for _ in 0..1048 {
            if c.write_all(line.as_bytes()).is_err() {
                return;
            }
        }
        let _ = c.write_all(b"\r\n");
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    assert_eq!(transport(&m, "http1")["served"], false);
    assert!(detail(&m, "http1").contains("larger than 64 kib"), "{m}");
}

#[test]
fn closes_after_client_hello() {
    let p = Peer::start(|mut c| {
        let mut b = [0u8; 512];
        let _ = c.read(&mut b);
        drop(c);
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert!(
        detail(&m, "tls").contains("closed") || detail(&m, "tls").contains("reset"),
        "{m}"
    );
}

/// Certificates that are wrong in one way each, served by `secctl serve`.
#[test]
fn bad_server_certificates_are_untrusted() {
    use rcgen::{CertificateParams, DnType, Issuer, KeyPair};
    let env = Env::new();
    env.run(&["ca", "init"]).ok();
    env.run(&["cert", "node", "other", "--host", "other.local"])
        .ok();
    let pki = env.pki();
    let ca_pem = std::fs::read_to_string(pki.join("ca/root.crt")).unwrap();
    let ca_key =
        KeyPair::from_pem(&std::fs::read_to_string(pki.join("ca/root.key")).unwrap()).unwrap();
    let issuer = Issuer::from_ca_cert_pem(&ca_pem, ca_key).unwrap();
    // Expired, from our CA.
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    p.distinguished_name.push(DnType::CommonName, "expired");
    p.not_before = rcgen::date_time_ymd(2020, 1, 1);
    p.not_after = rcgen::date_time_ymd(2021, 1, 1);
    let expired = p.signed_by(&key, &issuer).unwrap();
    std::fs::write(env.path("expired.crt"), expired.pem()).unwrap();
    std::fs::write(env.path("expired.key"), key.serialize_pem()).unwrap();
    // Self-signed.
    let ss =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    std::fs::write(env.path("self.crt"), ss.cert.pem()).unwrap();
    std::fs::write(env.path("self.key"), ss.signing_key.serialize_pem()).unwrap();

    let other_dir = pki.join("certs/other");
    let cases = [
        (env.path("expired.crt"), env.path("expired.key"), "expired"),
        (env.path("self.crt"), env.path("self.key"), "unknownissuer"),
        (
            other_dir.join("other.crt"),
            other_dir.join("other.key"),
            "notvalidforname",
        ),
    ];
    for (crt, key, why) in cases {
        let s = Serve::start(
            &env,
            &[
                "--cert",
                crt.to_str().unwrap(),
                "--key",
                key.to_str().unwrap(),
                "--client-auth",
                "none",
            ],
        );
        let m = probe_timed(&env, &s.addr, &[]);
        expect_row(&m, "tls", true, "untrusted", "none");
        let d = detail(&m, "tls").replace(' ', "");
        assert!(
            d.contains(why) || d.contains(&why.replace("notvalidforname", "notvalidfor")),
            "{why}: {d}"
        );
        // The port is still classified: encrypted, served, but the server is not who it claims.
        expect_row(&m, "https1", true, "untrusted", "none");
        // verify HOST:PORT fails the chain check and exits 1.
        let r = env.run(&["verify", &s.addr, "--timeout", "1"]);
        assert_eq!(r.code, 1, "{why}: {}{}", r.stdout, r.stderr);
    }
}
