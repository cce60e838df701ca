//! Issue #19, item 4: `serve` cannot be exhausted without a certificate. Against a real
//! `secctl serve`: slow request heads (plaintext and TLS), stalled TLS handshakes, idle TLS
//! connections, stalled request bodies and HTTP/2 connections opening many streams, while a
//! valid mTLS client keeps getting answers; serve's memory (VmRSS) is measured before,
//! under and after the load. Then each limit on its own: timeouts, the connection cap, and
//! authorization before the request body is read.

#![allow(clippy::disallowed_macros)] // the measured figures go to stderr

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Tls = tokio_rustls::client::TlsStream<TcpStream>;

fn client_file(env: &Env, n: &str, ext: &str) -> PathBuf {
    env.pki().join(format!("certs/{n}/{n}.{ext}"))
}

/// A TLS client configuration trusting the state's CA, with client certificate `client`.
fn tls_config(env: &Env, client: Option<&str>, alpn: &[u8]) -> Arc<rustls::ClientConfig> {
    let roots = secctl::tlsconf::load_roots(&env.pki().join("ca.crt")).unwrap();
    let b = rustls::ClientConfig::builder_with_provider(secctl::tlsconf::provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut cfg = match client {
        Some(n) => b
            .with_client_auth_cert(
                secctl::tlsconf::load_chain(&client_file(env, n, "crt")).unwrap(),
                secctl::tlsconf::load_key(&client_file(env, n, "key")).unwrap(),
            )
            .unwrap(),
        None => b.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![alpn.to_vec()];
    Arc::new(cfg)
}

async fn tls(addr: &str, cfg: &Arc<rustls::ClientConfig>) -> std::io::Result<Tls> {
    let tcp = TcpStream::connect(addr).await?;
    tokio_rustls::TlsConnector::from(cfg.clone())
        .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
        .await
}

/// Send a request, read the answer to its end; the status line.
async fn request<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    s: &mut S,
    head: &str,
) -> String {
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf).to_string();
    text.lines().next().unwrap_or("").to_string()
}

/// One request of the valid mTLS client on a new connection: its status line and duration.
async fn valid_get(addr: &str, cfg: &Arc<rustls::ClientConfig>) -> (String, Duration) {
    let t = Instant::now();
    let line = match tokio::time::timeout(Duration::from_secs(10), async {
        let mut s = tls(addr, cfg).await?;
        Ok::<_, std::io::Error>(
            request(
                &mut s,
                "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            )
            .await,
        )
    })
    .await
    {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => format!("error: {e}"),
        Err(_) => "timed out".into(),
    };
    (line, t.elapsed())
}

/// How long until the peer closes `s` (reads EOF or an error), at most `limit`.
async fn closed_within<S: tokio::io::AsyncRead + Unpin>(s: &mut S, limit: Duration) -> Duration {
    let t = Instant::now();
    let mut buf = [0u8; 4096];
    let r = tokio::time::timeout(limit, async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(r.is_ok(), "still open after {limit:?}");
    t.elapsed()
}

/// The PID of the `secctl serve` of `env` (its command line names env's state directory).
fn serve_pid(env: &Env) -> u32 {
    let dir = env.pki().display().to_string();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(cmd) = std::fs::read(e.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmd
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).to_string())
            .collect();
        if args.iter().any(|a| a == &dir) && args.iter().any(|a| a == "serve") {
            return pid;
        }
    }
    panic!("no serve process for {dir}");
}

/// VmRSS of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The tests that hold hundreds of sockets run one at a time (they share this process's
/// open-files limit, 1024 on many CI runners), with the soft limit raised to at most 4096
/// when the hard limit allows.
fn heavy() -> std::sync::MutexGuard<'static, ()> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    static HEAVY: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let guard = HEAVY.lock().unwrap_or_else(|e| e.into_inner());
    let l = getrlimit(Resource::Nofile);
    let want = l.maximum.unwrap_or(u64::MAX).min(4096);
    if l.current.is_some_and(|c| c < want) {
        let _ = setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(want),
                maximum: l.maximum,
            },
        );
    }
    guard
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Holds connections open until dropped.
#[derive(Default)]
struct Held {
    tcp: Vec<TcpStream>,
    tls: Vec<Tls>,
    h2: Vec<(h2::client::SendRequest<Bytes>, Vec<h2::SendStream<Bytes>>)>,
}

const SLOW_PLAIN: usize = 250;
const STALLED_HANDSHAKES: usize = 100;
const IDLE_TLS: usize = 100;
const SLOW_TLS_HEADS: usize = 50;
const STALLED_BODIES: usize = 50;
const H2_CONNS: usize = 5;
const H2_STREAMS_TRIED: usize = 200;

/// The whole load at once, within serve's default limits (768 connections, 10 s head
/// deadline, 30 s idle), while the valid client keeps asking. With `--client-auth
/// optional` anonymous TLS clients get in (and hold connections, streams and bodies);
/// with `required` they are refused at the handshake.
#[test]
fn a_valid_client_keeps_getting_answers_under_load_client_auth_optional() {
    load("optional");
}

#[test]
fn a_valid_client_keeps_getting_answers_under_load_client_auth_required() {
    load("required");
}

fn load(mode: &str) {
    let _one_at_a_time = heavy();
    let env = serve_pki();
    let s = Serve::start(&env, &["--name", "srv", "--client-auth", mode]);
    let pid = serve_pid(&env);
    let addr = s.addr.clone();
    let valid = tls_config(&env, Some("rails"), b"http/1.1");
    let anon_h1 = tls_config(&env, None, b"http/1.1");
    let anon_h2 = tls_config(&env, None, b"h2");
    let rt = rt();
    rt.block_on(async {
        let (line, _) = valid_get(&addr, &valid).await;
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let before = rss_kib(pid);
        let t0 = Instant::now();
        let mut held = Held::default();
        for _ in 0..SLOW_PLAIN {
            let mut c = TcpStream::connect(&addr).await.unwrap();
            c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await.unwrap();
            held.tcp.push(c);
        }
        for _ in 0..STALLED_HANDSHAKES {
            // A TLS record header announcing 512 bytes of ClientHello, then nothing.
            let mut c = TcpStream::connect(&addr).await.unwrap();
            c.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]).await.unwrap();
            held.tcp.push(c);
        }
        // Anonymous TLS clients (under `required` the server refuses them right after
        // their handshake: writes may fail, nothing is held).
        for i in 0..IDLE_TLS + SLOW_TLS_HEADS + STALLED_BODIES {
            let Ok(mut c) = tls(&addr, &anon_h1).await else {
                continue;
            };
            if i >= IDLE_TLS + SLOW_TLS_HEADS {
                let _ = c
                    .write_all(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
                    .await;
                let _ = c.write_all(&[b'a'; 1000]).await;
            } else if i >= IDLE_TLS {
                let _ = c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ").await;
            }
            let _ = c.flush().await;
            held.tls.push(c);
        }
        let mut advertised = Vec::new();
        for _ in 0..H2_CONNS {
            let Ok(io) = tls(&addr, &anon_h2).await else {
                continue;
            };
            let Ok((mut send, conn)) = h2::client::handshake(io).await else {
                continue;
            };
            let mut conn = Box::pin(conn);
            // Let the server's SETTINGS arrive.
            let _ = tokio::time::timeout(Duration::from_millis(200), conn.as_mut()).await;
            // (No SETTINGS from a server that refused the handshake: nothing to record.)
            let n = conn.max_concurrent_send_streams();
            if n != usize::MAX {
                advertised.push(n);
            }
            tokio::spawn(conn);
            let mut streams = Vec::new();
            for _ in 0..H2_STREAMS_TRIED {
                match tokio::time::timeout(Duration::from_millis(50), send.clone().ready()).await {
                    Ok(Ok(mut ready)) => {
                        let req = http::Request::post(format!("https://{addr}/"))
                            .body(())
                            .unwrap();
                        match ready.send_request(req, false) {
                            Ok((_resp, mut body)) => {
                                let _ = body.send_data(Bytes::from(vec![b'a'; 1024]), false);
                                streams.push(body);
                            }
                            Err(_) => break,
                        }
                        send = ready;
                    }
                    _ => break,
                }
            }
            held.h2.push((send, streams));
        }
        let connected = t0.elapsed();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let under = rss_kib(pid);
        // The valid client, on new connections, while all of this is held open.
        let mut worst = Duration::ZERO;
        for _ in 0..20 {
            let (line, took) = valid_get(&addr, &valid).await;
            assert!(line.starts_with("HTTP/1.1 200"), "valid client refused: {line}");
            worst = worst.max(took);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let h2_open: usize = held.h2.iter().map(|(_, s)| s.len()).sum();
        let conns = SLOW_PLAIN + STALLED_HANDSHAKES + IDLE_TLS + SLOW_TLS_HEADS + STALLED_BODIES
            + H2_CONNS;
        drop(held);
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let after = rss_kib(pid);
        let (line, _) = valid_get(&addr, &valid).await;
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let per_conn = (under.saturating_sub(before)) * 1024 / conns as u64;
        eprintln!(
            "serve_load (--client-auth {mode}): {conns} hostile connections (opened in {:.1}s; h2 streams requested {h2_open}, \
             server allows {advertised:?} per connection); valid client: 20/20 answered 200, slowest {:.0} ms; \
             serve VmRSS before {before} KiB, under load {under} KiB (+{} bytes per connection), after {after} KiB",
            connected.as_secs_f64(),
            worst.as_secs_f64() * 1000.0,
            per_conn
        );
        if mode == "optional" {
            assert_eq!(advertised, [32; H2_CONNS], "HTTP/2 streams not bounded");
        }
        assert!(worst < Duration::from_secs(3), "slowest answer {worst:?}");
        // Budget: 64 KiB per unauthenticated connection (a TLS session's buffers, hyper's
        // HTTP/1.1 read buffer of at most 32 KiB, or HTTP/2 state within a 256 KiB
        // connection window of which a stalled stream holds only what it sent).
        assert!(
            under < before + conns as u64 * 64,
            "serve grew from {before} to {under} KiB for {conns} connections"
        );
    });
}

/// Each deadline on its own, with `--header-timeout 1 --idle-timeout 2`: nothing sent, a
/// trickled request head, a stalled handshake, an idle HTTP/1.1 keep-alive, an HTTP/2
/// connection kept busy with PINGs but no request, a stalled request body. Before these
/// limits each of them was held open for as long as the client liked.
#[test]
fn slow_and_idle_connections_are_closed() {
    let env = serve_pki();
    let s = Serve::start(
        &env,
        &[
            "--name",
            "srv",
            "--header-timeout",
            "1",
            "--idle-timeout",
            "2",
        ],
    );
    let addr = s.addr.clone();
    let h1 = tls_config(&env, Some("rails"), b"http/1.1");
    let h2c = tls_config(&env, Some("rails"), b"h2");
    let limit = Duration::from_secs(6);
    rt().block_on(async {
        // Silent: closed at the first-byte deadline.
        let mut c = TcpStream::connect(&addr).await.unwrap();
        let silent = closed_within(&mut c, limit).await;
        // A stalled TLS handshake.
        let mut c = TcpStream::connect(&addr).await.unwrap();
        c.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01]).await.unwrap();
        let handshake = closed_within(&mut c, limit).await;
        // A request head trickled one header every 200 ms (plaintext and over TLS).
        let trickle = |mut c: Box<dyn Stream>| async move {
            let t = Instant::now();
            let _ = c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
            let mut buf = [0u8; 1024];
            loop {
                tokio::select! {
                    r = c.read(&mut buf) => match r {
                        Ok(0) | Err(_) => return t.elapsed(),
                        Ok(_) => {}
                    },
                    _ = tokio::time::sleep(Duration::from_millis(200)) => {
                        if c.write_all(b"X-Slow: 1\r\n").await.is_err() {
                            return t.elapsed();
                        }
                    }
                }
                assert!(t.elapsed() < limit, "trickled head still served");
            }
        };
        let plain_trickle = trickle(Box::new(TcpStream::connect(&addr).await.unwrap())).await;
        let tls_trickle = trickle(Box::new(tls(&addr, &h1).await.unwrap())).await;
        // HTTP/1.1 keep-alive after one answer.
        let mut c = tls(&addr, &h1).await.unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 4096];
        let n = c.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        let keepalive = closed_within(&mut c, limit).await;
        // HTTP/2: one request, then only PINGs.
        let io = tls(&addr, &h2c).await.unwrap();
        let (send, mut conn) = h2::client::handshake(io).await.unwrap();
        let mut pings = conn.ping_pong().unwrap();
        let t = Instant::now();
        let done = tokio::spawn(async move {
            let _ = conn.await;
            t.elapsed()
        });
        let mut send = send.ready().await.unwrap();
        let (resp, _) = send
            .send_request(http::Request::get(format!("https://{addr}/")).body(()).unwrap(), true)
            .unwrap();
        assert_eq!(resp.await.unwrap().status(), 200);
        let t_req = Instant::now();
        let pinger = tokio::spawn(async move {
            while pings.ping(h2::Ping::opaque()).await.is_ok() {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        });
        let h2_idle = tokio::time::timeout(limit, done)
            .await
            .expect("HTTP/2 connection still open")
            .unwrap();
        let h2_idle = h2_idle.saturating_sub(t_req.duration_since(t));
        pinger.abort();
        // A stalled body of an admitted request: 408 at the deadline.
        let mut c = tls(&addr, &h1).await.unwrap();
        let t = Instant::now();
        let line = request(
            &mut c,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
        )
        .await;
        let body = t.elapsed();
        eprintln!(
            "serve_load: closed after: silent {silent:?}, stalled handshake {handshake:?}, \
             trickled head {plain_trickle:?} (TLS {tls_trickle:?}), HTTP/1.1 keep-alive {keepalive:?}, \
             HTTP/2 idle with PINGs {h2_idle:?}; stalled body answered {line:?} after {body:?}"
        );
        let about = |d: Duration, secs: f64, what: &str| {
            assert!(
                d >= Duration::from_secs_f64(secs - 0.3) && d < Duration::from_secs_f64(secs + 2.5),
                "{what}: {d:?}, expected about {secs} s"
            );
        };
        about(silent, 1.0, "silent");
        about(handshake, 1.0, "stalled handshake");
        about(plain_trickle, 1.0, "trickled head");
        about(tls_trickle, 1.0, "trickled head over TLS");
        about(keepalive, 1.0, "keep-alive (waiting for the next head)");
        about(h2_idle, 2.0, "HTTP/2 idle");
        assert!(line.starts_with("HTTP/1.1 408"), "{line}");
        about(body, 1.0, "stalled body");
    });
}

trait Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Stream for T {}

/// Over `--max-connections` a new connection is closed at once (not queued), and the slots
/// come back when connections end.
#[test]
fn over_the_cap_new_connections_are_closed_at_once() {
    let env = serve_pki();
    let s = Serve::start(&env, &["--name", "srv", "--max-connections", "20"]);
    let addr = s.addr.clone();
    let valid = tls_config(&env, Some("rails"), b"http/1.1");
    rt().block_on(async {
        let mut held = Vec::new();
        for _ in 0..20 {
            let mut c = TcpStream::connect(&addr).await.unwrap();
            c.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
            held.push(c);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut extra = TcpStream::connect(&addr).await.unwrap();
        let t = closed_within(&mut extra, Duration::from_secs(1)).await;
        // The valid client is over the cap too: refused at once, not left waiting.
        let (line, took) = valid_get(&addr, &valid).await;
        assert!(!line.starts_with("HTTP/1.1 200"), "{line}");
        assert!(took < Duration::from_secs(1), "{took:?}");
        drop(held);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (line, _) = valid_get(&addr, &valid).await;
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        eprintln!("serve_load: the 21st connection closed after {t:?}");
    });
    let log = std::fs::read_dir(env.tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("serve-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect::<String>();
    assert!(
        log.contains("20 connections open (--max-connections)"),
        "{log}"
    );
}

/// A caller that is refused gets its answer without the server reading the body: before,
/// serve buffered up to 1 MiB of body (and waited for it without limit) before looking at
/// the certificate.
#[test]
fn authorization_comes_before_the_body() {
    let env = serve_pki();
    let s = Serve::start(
        &env,
        &[
            "--name",
            "srv",
            "--allow-role",
            "gitlab",
            "--header-timeout",
            "5",
        ],
    );
    let addr = s.addr.clone();
    let head = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n";
    rt().block_on(async {
        for (who, expect) in [
            (None, "HTTP/1.1 401"),
            (Some("ops"), "HTTP/1.1 403"),
            (Some("rails"), "HTTP/1.1 413"),
        ] {
            let cfg = tls_config(&env, who, b"http/1.1");
            let mut c = tls(&addr, &cfg).await.unwrap();
            let t = Instant::now();
            // The head only: a body of 100 MB is announced and never sent.
            let line = request(&mut c, head).await;
            assert!(line.starts_with(expect), "{who:?}: {line}");
            assert!(
                t.elapsed() < Duration::from_secs(2),
                "{who:?}: {:?}",
                t.elapsed()
            );
        }
        // HTTP/2: a stream whose body never ends.
        for (who, expect) in [(None, 401), (Some("ops"), 403)] {
            let io = tls(&addr, &tls_config(&env, who, b"h2")).await.unwrap();
            let (send, conn) = h2::client::handshake(io).await.unwrap();
            tokio::spawn(conn);
            let mut send = send.ready().await.unwrap();
            let t = Instant::now();
            let (resp, mut body) = send
                .send_request(
                    http::Request::post(format!("https://{addr}/"))
                        .body(())
                        .unwrap(),
                    false,
                )
                .unwrap();
            let _ = body.send_data(Bytes::from(vec![b'a'; 1000]), false);
            let resp = tokio::time::timeout(Duration::from_secs(2), resp)
                .await
                .expect("no answer before the body ended")
                .unwrap();
            assert_eq!(resp.status(), expect, "{who:?}");
            assert!(t.elapsed() < Duration::from_secs(2));
        }
        // The allowed caller's body is read: a small one gets its answer.
        let cfg = tls_config(&env, Some("rails"), b"http/1.1");
        let mut c = tls(&addr, &cfg).await.unwrap();
        let line = request(
            &mut c,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        )
        .await;
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    });
}

/// A serve started with few descriptors (`prlimit --nofile=200`) lowers its cap below the
/// limit (saying so), so a flood never runs it out of descriptors: connections over the
/// cap are closed at once instead of waiting in the listen backlog of a server whose
/// accept() fails with EMFILE, and the valid client is served again once the flood ends.
#[test]
#[ignore = "needs prlimit (util-linux); run by .ci/run with --ignored"]
fn the_cap_stays_below_the_open_files_limit() {
    use std::io::BufRead;
    common::require(have("prlimit"), "prlimit (util-linux) is not installed");
    let _one_at_a_time = heavy();
    let env = serve_pki();
    let mut child = std::process::Command::new("prlimit")
        .args(["--nofile=200:200", bin(), "--dir"])
        .arg(env.pki())
        .args([
            "-o",
            "json",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--name",
            "srv",
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let _kill = Kill(child);
    // The first document printed (pretty JSON, up to its closing brace).
    let mut doc = String::new();
    loop {
        let mut l = String::new();
        assert!(out.read_line(&mut l).unwrap() > 0, "serve ended: {doc}");
        doc += &l;
        if l == "}\n" {
            break;
        }
    }
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["limits"]["max_connections"], 136, "{v}");
    let addr = v["listening"][0].as_str().unwrap().to_string();
    let mut note = String::new();
    err.read_line(&mut note).unwrap();
    assert!(
        note.contains("lowered to 136") && note.contains("200"),
        "{note}"
    );
    let valid = tls_config(&env, Some("rails"), b"http/1.1");
    rt().block_on(async {
        let mut held = Vec::new();
        for _ in 0..300 {
            let mut c = TcpStream::connect(&addr).await.unwrap();
            let _ = c.write_all(b"GET / HTTP/1.1\r\n").await;
            held.push(c);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Which of them the server has closed (EOF or reset) by now.
        let mut closed = 0;
        for c in &mut held {
            let mut b = [0u8; 64];
            if let Ok(r) = tokio::time::timeout(Duration::from_millis(5), c.read(&mut b)).await {
                if matches!(r, Ok(0) | Err(_)) {
                    closed += 1;
                }
            }
        }
        assert!(closed >= 300 - 136, "only {closed} of 300 closed");
        drop(held);
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (line, _) = valid_get(&addr, &valid).await;
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        eprintln!(
            "serve_load: ulimit -n 200: cap 136, {closed} of 300 flood connections closed at once"
        );
    });
}
