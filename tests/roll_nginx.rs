//! A zero-downtime CA roll (issue #14) against two real nginx nodes that do mutual TLS to
//! each other's ports, with a client loop running throughout: `ca rotate`, `apply
//! --bundle-only`, reload, `apply`, reload, `ca retire`, `apply`, reload. Not one request
//! may fail, and afterwards a certificate of the retired CA is refused.
//!
//! Needs `nginx`, `curl` and `openssl`: ignored by plain `cargo test`, run by `.ci/run`
//! with `cargo test --test roll_nginx -- --ignored`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;

const INVENTORY: &str = "\
cluster: Roll Test
trust_domain: roll.test
ca:
  intermediate: true
defaults:
  valid_for: 30d
nodes:
  - name: node-a
    role: gitaly
    hosts: [localhost, 127.0.0.1]
  - name: node-b
    role: gitaly
    hosts: [localhost, 127.0.0.1]
clients:
  - name: rails
    role: gitlab
";

/// One nginx node with master process (so that SIGHUP reloads it the way operators do),
/// stopped by PID when dropped.
struct Node {
    child: Child,
    dir: PathBuf,
}

impl Node {
    /// nginx for `name` on `port`: its own certificate for TLS, its `ca.crt` to verify
    /// clients (required), and `/peer` proxied over mTLS to the other node on `peer_port`,
    /// presenting its certificate and verifying the peer's against the same `ca.crt`.
    fn start(work: &Path, certs: &Path, name: &str, port: u16, peer_port: u16) -> Node {
        let dir = work.join(format!("nginx-{name}"));
        std::fs::create_dir_all(&dir).unwrap();
        let d = dir.display();
        let crt = certs.join(format!("{name}/{name}.crt"));
        let key = certs.join(format!("{name}/{name}.key"));
        let ca = certs.join(format!("{name}/ca.crt"));
        let (crt, key, ca) = (crt.display(), key.display(), ca.display());
        let user = if rustix::process::geteuid().is_root() {
            "user root;\n"
        } else {
            ""
        };
        let conf = format!(
            "daemon off;\nmaster_process on;\nworker_processes 1;\n{user}pid {d}/nginx.pid;\n\
             error_log {d}/error.log info;\nevents {{ worker_connections 256; }}\n\
             http {{\n access_log off;\n client_body_temp_path {d}/body;\n proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fcgi;\n uwsgi_temp_path {d}/uwsgi;\n scgi_temp_path {d}/scgi;\n\
             server {{\n  listen 127.0.0.1:{port} ssl;\n\
             ssl_certificate {crt};\n  ssl_certificate_key {key};\n\
             ssl_client_certificate {ca};\n  ssl_verify_client on;\n  ssl_verify_depth 3;\n\
             location = /hello {{ return 200 \"{name} saw $ssl_client_s_dn\\n\"; }}\n\
             location = /peer {{\n   proxy_pass https://127.0.0.1:{peer_port}/hello;\n\
             proxy_ssl_certificate {crt};\n   proxy_ssl_certificate_key {key};\n\
             proxy_ssl_trusted_certificate {ca};\n   proxy_ssl_verify on;\n   proxy_ssl_verify_depth 3;\n\
             proxy_ssl_name localhost;\n   proxy_ssl_server_name on;\n   proxy_ssl_session_reuse off;\n  }}\n\
             }}\n}}\n"
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(nginx_bin().expect("nginx"))
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let node = Node { child, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nginx {name} did not listen on {port}: {}",
                node.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        node
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }

    /// Reload as an operator does: SIGHUP to the master (ours, by PID).
    fn reload(&self) {
        let r = tool("kill", &["-HUP", &self.child.id().to_string()]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        // SIGQUIT: graceful stop of master and workers; then make sure.
        let _ = tool("kill", &["-QUIT", &self.child.id().to_string()]);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a server presents and asks for, seen by `openssl s_client` with the client's files.
struct Seen {
    /// SHA-256 fingerprint of the leaf it presented.
    leaf: String,
    /// How many CA names its CertificateRequest lists (the roots of its `ca.crt`).
    ca_names: usize,
}

fn seen(port: u16, client: &Path) -> Seen {
    let crt = client.join("rails.crt");
    let key = client.join("rails.key");
    let o = Command::new("openssl")
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .args(["-servername", "localhost", "-showcerts", "-tls1_2"])
        .arg("-cert")
        .arg(&crt)
        .arg("-key")
        .arg(&key)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let pem_start = out
        .find("-----BEGIN CERTIFICATE-----")
        .expect("no certificate");
    let pem_end = out[pem_start..].find("-----END CERTIFICATE-----").unwrap() + pem_start + 25;
    let leaf = fingerprint_pem(&out[pem_start..pem_end]);
    let ca_names = match out.split_once("Acceptable client certificate CA names") {
        Some((_, rest)) => rest
            .lines()
            .skip(1)
            .take_while(|l| {
                !l.starts_with("Requested")
                    && !l.starts_with("Client Certificate")
                    && !l.trim().is_empty()
            })
            .filter(|l| l.contains("CN"))
            .count(),
        None => 0,
    };
    Seen { leaf, ca_names }
}

fn fingerprint_pem(pem: &str) -> String {
    let mut c = Command::new("openssl")
        .args(["x509", "-noout", "-fingerprint", "-sha256"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    c.stdin.take().unwrap().write_all(pem.as_bytes()).unwrap();
    let o = c.wait_with_output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

fn file_fingerprint(p: &Path) -> String {
    fingerprint_pem(&std::fs::read_to_string(p).unwrap())
}

/// Wait until `cond` holds (the reload is asynchronous), at most 15 s.
fn wait_for(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The client's loaded identity: a copy of its delivered files that the client "reloads"
/// (copies again) at the moments the operator reloads the servers, as a real client
/// re-reads its files on a reload signal, never in the middle of a delivery.
fn client_reload(from: &Path, to_parent: &Path, n: usize) -> PathBuf {
    let to = to_parent.join(format!("client-loaded-{n}"));
    std::fs::create_dir_all(&to).unwrap();
    for f in ["rails.crt", "rails.key", "ca.crt"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    to
}

#[test]
#[ignore = "needs nginx, curl and openssl (apt-get install nginx curl openssl); run by .ci/run"]
fn a_zero_downtime_ca_roll_across_two_mtls_nginx_nodes_loses_no_request() {
    require(
        nginx_bin().is_some() && have("curl") && have("openssl"),
        "needs nginx, curl and openssl (apt-get install nginx curl openssl)",
    );
    let env = Env::new();
    let inv = env.write("inv.yaml", INVENTORY);
    let inv = inv.to_str().unwrap();
    env.run(&["apply", inv]).ok();
    let certs = env.pki().join("certs");
    let (pa, pb) = (free_port(), free_port());
    let a = Node::start(env.tmp.path(), &certs, "node-a", pa, pb);
    let b = Node::start(env.tmp.path(), &certs, "node-b", pb, pa);
    let client_dir = Arc::new(Mutex::new(client_reload(
        &certs.join("rails"),
        env.tmp.path(),
        0,
    )));

    // The client loop: through A to B and through B to A, over and over, until told to
    // stop (bounded: at most 10 minutes).
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let failures: Arc<Mutex<Vec<String>>> = Arc::default();
    let looper = {
        let (stop, ok, failures, client_dir) = (
            stop.clone(),
            ok.clone(),
            failures.clone(),
            client_dir.clone(),
        );
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(600) {
                let (port, via, to) = if i.is_multiple_of(2) {
                    (pa, "node-a", "node-b")
                } else {
                    (pb, "node-b", "node-a")
                };
                i += 1;
                let dir = client_dir.lock().unwrap().clone();
                let resolve = format!("localhost:{port}:127.0.0.1");
                let (code, body) = curl(
                    &format!("https://localhost:{port}/peer"),
                    &[
                        "--resolve",
                        &resolve,
                        "--cacert",
                        dir.join("ca.crt").to_str().unwrap(),
                        "--cert",
                        dir.join("rails.crt").to_str().unwrap(),
                        "--key",
                        dir.join("rails.key").to_str().unwrap(),
                    ],
                );
                // B answers A's proxied request with A's identity, and vice versa.
                if code == 200 && body.contains(&format!("{to} saw CN={via}")) {
                    ok.fetch_add(1, Ordering::SeqCst);
                } else {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("via {via}: HTTP {code} {body:?}"));
                }
            }
        })
    };
    let wait_ok = |n: usize| {
        let target = ok.load(Ordering::SeqCst) + n;
        wait_for("successful requests", || {
            ok.load(Ordering::SeqCst) >= target || !failures.lock().unwrap().is_empty()
        });
    };
    wait_ok(10);
    let rails = certs.join("rails");
    let old_a = file_fingerprint(&certs.join("node-a/node-a.crt"));
    assert_eq!(seen(pa, &rails).leaf, old_a);
    assert_eq!(seen(pa, &rails).ca_names, 1);

    // 1. A new CA. Nothing is delivered yet.
    env.run(&["--yes", "ca", "rotate"]).ok();
    wait_ok(5);
    // 2. The bundle (old + new roots) everywhere, then every node reloads.
    let v = env
        .run(&["-o", "json", "apply", "--bundle-only", inv])
        .ok()
        .json();
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    assert_eq!(file_fingerprint(&certs.join("node-a/node-a.crt")), old_a);
    // apply delivered the new root because the root the nodes held endorsed it; a node's own
    // fetch (pinned to the roots it holds) takes the same bundle for the same reason.
    for n in ["node-a", "node-b"] {
        let out = certs.join(format!("{n}/ca.crt"));
        let delivered = std::fs::read(&out).unwrap();
        let j = env
            .run(&["-o", "json", "ca", "bundle", "--out", out.to_str().unwrap()])
            .ok()
            .json();
        assert_eq!(j["trust"], "pinned", "{j}");
        assert_eq!(std::fs::read(&out).unwrap(), delivered);
    }
    // Nodes reload at different moments, as on a real fleet.
    a.reload();
    std::thread::sleep(Duration::from_millis(700));
    b.reload();
    *client_dir.lock().unwrap() = client_reload(&rails, env.tmp.path(), 1);
    wait_for("both nodes to ask for the two roots", || {
        seen(pa, &rails).ca_names == 2 && seen(pb, &rails).ca_names == 2
    });
    wait_ok(10);
    // The old CA's client, kept to show it is refused once the old CA is retired.
    let old_rails = client_reload(&rails, env.tmp.path(), 100);
    // 3. New certificates from the new CA, then every node reloads.
    let v = env.run(&["-o", "json", "apply", inv]).ok().json();
    assert_eq!(v["summary"]["renewed"], 3, "{v}");
    let new_a = file_fingerprint(&certs.join("node-a/node-a.crt"));
    let new_b = file_fingerprint(&certs.join("node-b/node-b.crt"));
    assert_ne!(new_a, old_a);
    a.reload();
    std::thread::sleep(Duration::from_millis(700));
    b.reload();
    std::thread::sleep(Duration::from_millis(700));
    *client_dir.lock().unwrap() = client_reload(&rails, env.tmp.path(), 2);
    wait_for("both nodes to present their new certificates", || {
        seen(pa, &rails).leaf == new_a && seen(pb, &rails).leaf == new_b
    });
    wait_ok(10);
    // 4. The old CA retired: its root leaves `ca.crt`, a plain apply delivers the bundle
    // with the new root only, every node reloads.
    let prev: Vec<String> = std::fs::read_dir(env.pki().join("ca/previous"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(prev.len(), 1, "{prev:?}");
    env.run(&["--yes", "ca", "retire", &prev[0]]).ok();
    let v = env.run(&["-o", "json", "apply", inv]).ok().json();
    assert_eq!(v["summary"]["bundles_written"], 3, "{v}");
    assert_eq!(v["summary"]["renewed"], 0, "{v}");
    a.reload();
    std::thread::sleep(Duration::from_millis(700));
    b.reload();
    std::thread::sleep(Duration::from_millis(700));
    *client_dir.lock().unwrap() = client_reload(&rails, env.tmp.path(), 3);
    wait_for("both nodes to ask for the new root alone", || {
        seen(pa, &rails).ca_names == 1 && seen(pb, &rails).ca_names == 1
    });
    wait_ok(10);

    stop.store(true, Ordering::SeqCst);
    looper.join().unwrap();
    let failures = failures.lock().unwrap();
    let n = ok.load(Ordering::SeqCst);
    assert!(
        failures.is_empty(),
        "{} of {} requests failed during the roll: {:?}\nnode-a log:\n{}\nnode-b log:\n{}",
        failures.len(),
        failures.len() + n,
        &failures[..failures.len().min(5)],
        a.log(),
        b.log()
    );
    assert!(n >= 35, "only {n} requests made");
    // After the retirement the old CA's certificate is refused, by nginx (its own client,
    // curl, gets no answer from either node) and by openssl against the new bundle.
    for port in [pa, pb] {
        let resolve = format!("localhost:{port}:127.0.0.1");
        let (code, body) = curl(
            &format!("https://localhost:{port}/peer"),
            &[
                "--resolve",
                &resolve,
                "--cacert",
                rails.join("ca.crt").to_str().unwrap(),
                "--cert",
                old_rails.join("rails.crt").to_str().unwrap(),
                "--key",
                old_rails.join("rails.key").to_str().unwrap(),
            ],
        );
        assert_ne!(code, 200, "the retired CA's client got in: {body}");
    }
    let r = openssl_verify_chain(&rails.join("ca.crt"), &old_rails.join("rails.crt"), None);
    assert_ne!(r.code, 0, "{}", r.stdout);
    // The new certificates chain to the new root only: the old one can now be retired.
    for n in ["node-a", "node-b", "rails"] {
        let d = certs.join(n);
        let crt = d.join(format!("{n}.crt"));
        let new_root = env.pki().join("ca/root.crt");
        openssl_verify_chain(&new_root, &crt, None).ok();
    }
}
