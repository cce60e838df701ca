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

// ---- hostile peers of the service exchanges (PostgreSQL, Redis, MQTT) -----------------

/// Read what the client sent first (up to 512 bytes, 3 s at most).
fn first_bytes(c: &mut TcpStream) -> Vec<u8> {
    let _ = c.set_read_timeout(Some(Duration::from_secs(3)));
    let mut b = [0u8; 512];
    match c.read(&mut b) {
        Ok(n) => b[..n].to_vec(),
        Err(_) => vec![],
    }
}

/// Stay connected, reading, until the client leaves (at most 10 s).
fn linger(mut c: TcpStream) {
    let _ = c.set_read_timeout(Some(Duration::from_secs(10)));
    let mut b = [0u8; 1024];
    while let Ok(n) = c.read(&mut b) {
        if n == 0 {
            break;
        }
    }
}

const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// A PostgreSQL startup message (length, protocol 3.0).
fn is_startup(b: &[u8]) -> bool {
    b.len() >= 8 && b[4..8] == [0, 3, 0, 0]
}

#[test]
fn postgres_answer_with_a_1gib_length() {
    // 'N' to the SSLRequest; to the startup message an 'R' whose length says 1 GiB, then
    // silence: the parser refuses the length at once instead of waiting for a gigabyte.
    let p = Peer::start(|mut c| loop {
        let b = first_bytes(&mut c);
        if b == SSL_REQUEST {
            let _ = c.write_all(b"N");
        } else if is_startup(&b) {
            let _ = c.write_all(&[b'R', 0x40, 0, 0, 0, 0, 0, 0, 0]);
            return linger(c);
        } else {
            return;
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    for t in ["postgres", "postgres-tls"] {
        assert_eq!(transport(&m, t)["served"], false, "{t}: {m}");
    }
    assert!(
        detail(&m, "postgres").contains("not postgresql (message length 1073741824)"),
        "{m}"
    );
}

#[test]
fn postgres_yes_to_tls_then_silence_or_garbage() {
    // 'S' to the SSLRequest, then nothing / garbage where the ServerHello should be; the
    // plaintext startup gets an authentication request (the port is PostgreSQL).
    for garbage in [false, true] {
        let p = if garbage {
            Peer::start(|mut c| {
                let b = first_bytes(&mut c);
                if b == SSL_REQUEST {
                    let _ = c.write_all(b"S\x00\xff\xfe garbage, not a TLS record \x01\x02");
                    linger(c)
                } else if is_startup(&b) {
                    let _ = c.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]);
                    linger(c)
                }
            })
        } else {
            Peer::start(|mut c| {
                let b = first_bytes(&mut c);
                if b == SSL_REQUEST {
                    let _ = c.write_all(b"S");
                    linger(c)
                } else if is_startup(&b) {
                    let _ = c.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]);
                    linger(c)
                }
            })
        };
        let m = probe_timed(&Env::new(), &p.addr, &[]);
        let pg = transport(&m, "postgres");
        assert_eq!(pg["served"], true, "{m}");
        assert!(detail(&m, "postgres").contains("password requested"), "{m}");
        let tls = transport(&m, "postgres-tls");
        assert_eq!(tls["served"], false, "garbage {garbage}: {m}");
        assert_eq!(tls["client_auth"], "none", "garbage {garbage}: {m}");
        let d = detail(&m, "postgres-tls");
        let want = if garbage { "tls" } else { "within 1s" };
        assert!(d.contains(want), "garbage {garbage}: {d}");
        assert_eq!(m["summary"]["encrypted"], "none", "{m}");
    }
}

#[test]
fn redis_closes_in_the_middle_of_an_answer() {
    let p = Peer::start(|mut c| {
        let b = first_bytes(&mut c);
        if b.starts_with(b"*1\r\n$4\r\nPING") {
            let _ = c.write_all(b"+PO");
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert_eq!(transport(&m, "redis")["served"], false, "{m}");
    assert!(
        detail(&m, "redis").contains("closed in the middle of an answer"),
        "{m}"
    );
}

#[test]
fn redis_answer_that_never_ends() {
    // A bulk string header, then endless bytes without a line end: bounded by 16 KiB.
    let p = Peer::start(|mut c| {
        let b = first_bytes(&mut c);
        if b.starts_with(b"*1\r\n$4\r\nPING") {
            let _ = c.write_all(b"+");
            let junk = [b'a'; 4096];
            for _ in 0..10_000 {
                if c.write_all(&junk).is_err() {
                    return;
                }
            }
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    assert_eq!(transport(&m, "redis")["served"], false, "{m}");
    assert!(detail(&m, "redis").contains("not redis"), "{m}");
}

#[test]
fn mqtt_connack_with_a_huge_remaining_length() {
    let p = Peer::start(|mut c| {
        let b = first_bytes(&mut c);
        if b.first() == Some(&0x10) {
            let _ = c.write_all(&[0x20, 0xff, 0xff, 0xff, 0x7f]);
            linger(c)
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert_eq!(transport(&m, "mqtt")["served"], false, "{m}");
    assert!(detail(&m, "mqtt").contains("malformed connack"), "{m}");
}

#[test]
fn mqtt_silent_after_connect() {
    let p = Peer::start(|mut c| {
        let b = first_bytes(&mut c);
        if b.first() == Some(&0x10) {
            linger(c)
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert_eq!(transport(&m, "mqtt")["served"], false, "{m}");
    assert!(detail(&m, "mqtt").contains("no answer within 1s"), "{m}");
}

// ---- hostile peers that speak first (NATS's INFO) ---------------------------------------

#[test]
fn nats_info_that_never_ends() {
    // `INFO {` and then bytes without a line end: the greeting is bounded by 16 KiB.
    let p = Peer::start(|mut c| {
        let _ = c.write_all(b"INFO {\"server_id\":\"");
        let junk = [b'a'; 4096];
        for _ in 0..10_000 {
            if c.write_all(&junk).is_err() {
                return;
            }
        }
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    for t in ["nats", "nats-tls"] {
        assert_eq!(transport(&m, t)["served"], false, "{t}: {m}");
    }
    assert!(detail(&m, "nats").contains("larger than 16 kib"), "{m}");
    assert!(
        detail(&m, "http1").starts_with("the server speaks first (\"info {"),
        "{m}"
    );
}

#[test]
fn nats_tls_required_then_garbage_or_silence() {
    // INFO says tls_required; where the ServerHello should be, garbage or nothing.
    for garbage in [false, true] {
        let p = if garbage {
            Peer::start(|mut c| {
                let _ = c.write_all(b"INFO {\"version\":\"9.9.9\",\"tls_required\":true}\r\n");
                if !first_bytes(&mut c).is_empty() {
                    let _ = c.write_all(b"\x00\xff garbage, not a TLS record \x01\x02");
                }
                linger(c)
            })
        } else {
            Peer::start(|mut c| {
                let _ = c.write_all(b"INFO {\"version\":\"9.9.9\",\"tls_required\":true}\r\n");
                linger(c)
            })
        };
        let m = probe_timed(&Env::new(), &p.addr, &[]);
        assert_eq!(transport(&m, "nats")["served"], false, "{m}");
        assert!(
            detail(&m, "nats").contains("refused: tls required (nats 9.9.9, info tls_required)"),
            "{m}"
        );
        let tls = transport(&m, "nats-tls");
        assert_eq!(tls["served"], false, "garbage {garbage}: {m}");
        assert_eq!(tls["client_auth"], "none", "garbage {garbage}: {m}");
        let want = if garbage { "not tls" } else { "within 1s" };
        assert!(
            detail(&m, "nats-tls").contains(want),
            "garbage {garbage}: {m}"
        );
        // Nothing encrypted was served: the refusal of plaintext alone is no TLS.
        assert_eq!(m["summary"]["encrypted"], "none", "{m}");
    }
}

#[test]
fn nats_info_then_silence() {
    // INFO without tls_required, then nothing in answer to CONNECT and PING.
    let p = Peer::start(|mut c| {
        let _ = c.write_all(b"INFO {\"version\":\"9.9.9\"}\r\n");
        linger(c)
    });
    let m = probe_timed(&Env::new(), &p.addr, &[]);
    nothing_served(&m);
    assert_eq!(transport(&m, "nats")["served"], false, "{m}");
    assert!(detail(&m, "nats").contains("no answer within 1s"), "{m}");
    assert!(detail(&m, "nats-tls").contains("offers no tls"), "{m}");
}
