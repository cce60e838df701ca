//! `serve`, `probe` and `verify HOST:PORT` against each other, on loopback, mode by mode:
//! every row of the matrix asserted field by field.

mod common;

use common::*;

struct Pki {
    env: Env,
}

impl Pki {
    fn new() -> Pki {
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
            "--role",
            "gitaly",
        ])
        .ok();
        env.run(&["cert", "client", "rails", "--role", "gitlab"])
            .ok();
        env.run(&["cert", "client", "ops", "--role", "ops"]).ok();
        Pki { env }
    }
    fn f(&self, n: &str, ext: &str) -> String {
        self.env
            .pki()
            .join(format!("certs/{n}/{n}.{ext}"))
            .display()
            .to_string()
    }
    fn probe(&self, addr: &str, client: Option<&str>, extra: &[&str]) -> (i32, serde_json::Value) {
        let (c, k);
        let mut args = vec![addr, "--timeout", "2"];
        if let Some(n) = client {
            c = self.f(n, "crt");
            k = self.f(n, "key");
            args.extend_from_slice(&["--cert", &c, "--key", &k]);
        }
        args.extend_from_slice(extra);
        probe_json(&self.env, &args)
    }
}

fn redirect_row(m: &serde_json::Value, addr: &str) {
    expect_row(m, "http1", true, "none", "none");
    let port = addr.rsplit(':').next().unwrap();
    assert_eq!(
        transport(m, "http1")["redirect"],
        format!("https://127.0.0.1:{port}/"),
        "{m}"
    );
    expect_row(m, "h2c", false, "none", "none");
    expect_row(m, "grpc", false, "none", "none");
}

fn summary(m: &serde_json::Value) -> (String, String) {
    (
        m["summary"]["encrypted"].as_str().unwrap().into(),
        m["summary"]["mtls"].as_str().unwrap().into(),
    )
}

#[test]
fn optional_client_auth_matrix() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv"]);
    let (code, m) = pki.probe(&s.addr, Some("rails"), &[]);
    assert_eq!(code, 0);
    assert_eq!(m["target"], s.addr.as_str());
    redirect_row(&m, &s.addr);
    for t in ["tls", "https1", "h2", "grpcs"] {
        expect_row(&m, t, true, "trusted", "optional");
        assert_eq!(transport(&m, t)["given_cert"], "accepted", "{t}: {m}");
        assert_eq!(
            transport(&m, t)["untrusted_client_accepted"],
            false,
            "{t}: {m}"
        );
    }
    let tls = transport(&m, "tls")["detail"].as_str().unwrap().to_string();
    assert!(
        tls.contains("TLSv1.3") && tls.contains("alpn=h2") && tls.contains(" requested"),
        "{tls}"
    );
    // Verified if given: the throwaway certificate is refused.
    assert!(
        tls.contains("throwaway: refused: alert unknown_ca"),
        "{tls}"
    );
    assert!(transport(&m, "grpcs")["detail"]
        .as_str()
        .unwrap()
        .contains("grpc-status 0"));
    assert_eq!(summary(&m), ("all".into(), "optional".into()));
    // --strict: mTLS is not enforced.
    let (code, _) = pki.probe(&s.addr, Some("rails"), &["--strict"]);
    assert_eq!(code, 1);
}

#[test]
fn required_client_auth_matrix() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", "required"]);
    let (code, m) = pki.probe(&s.addr, Some("rails"), &["--strict"]);
    assert_eq!(code, 0, "{m}");
    redirect_row(&m, &s.addr);
    for t in ["tls", "https1", "h2", "grpcs"] {
        expect_row(&m, t, true, "trusted", "required");
    }
    // TLS 1.3: the handshake completes, the refusal comes after.
    let d = transport(&m, "https1")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d.contains("none refused: alert certificate_required")
            && d.contains("throwaway refused: alert unknown_ca")
            && d.contains("given HTTP/1.1 200"),
        "{d}"
    );
    assert_eq!(summary(&m), ("all".into(), "enforced".into()));
    // Without a client certificate: the refusal is still mTLS enforced, not "none".
    let (code, m) = pki.probe(&s.addr, None, &["--strict"]);
    assert_eq!(code, 0, "{m}");
    expect_row(&m, "tls", true, "trusted", "required");
    for t in ["https1", "h2", "grpcs"] {
        expect_row(&m, t, false, "trusted", "required");
        assert!(transport(&m, t)["given_cert"].is_null());
    }
    assert_eq!(summary(&m), ("all".into(), "enforced".into()));
    // A revoked certificate: refused, named by its alert, and the policy is unchanged.
    pki.env
        .run(&["cert", "client", "gone", "--role", "gitlab"])
        .ok();
    pki.env.run(&["--yes", "revoke", "gone"]).ok();
    drop(s);
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", "required"]);
    let (code, m) = pki.probe(&s.addr, Some("gone"), &[]);
    assert_eq!(code, 0);
    for t in ["tls", "https1", "h2", "grpcs"] {
        assert_eq!(
            transport(&m, t)["given_cert"],
            "refused: alert certificate_revoked",
            "{t}: {m}"
        );
    }
    assert_eq!(summary(&m), ("all".into(), "enforced".into()));
}

#[test]
fn no_client_auth_matrix() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", "none"]);
    let (_, m) = pki.probe(&s.addr, Some("rails"), &[]);
    redirect_row(&m, &s.addr);
    for t in ["tls", "https1", "h2", "grpcs"] {
        expect_row(&m, t, true, "trusted", "none");
        assert_eq!(transport(&m, t)["given_cert"], "accepted", "{t}: {m}");
    }
    assert!(transport(&m, "tls")["detail"]
        .as_str()
        .unwrap()
        .contains("not requested"));
    assert_eq!(summary(&m), ("all".into(), "none".into()));
}

#[test]
fn grpc_mtls_is_per_request() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv", "--grpc-auth", "mtls"]);
    let (_, m) = pki.probe(&s.addr, Some("rails"), &[]);
    redirect_row(&m, &s.addr);
    expect_row(&m, "tls", true, "trusted", "optional");
    expect_row(&m, "https1", true, "trusted", "optional");
    expect_row(&m, "h2", true, "trusted", "optional");
    expect_row(&m, "grpcs", true, "trusted", "per-request");
    let d = transport(&m, "grpcs")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d.contains("none refused: grpc-status 16") && d.contains("given grpc-status 0"),
        "{d}"
    );
    assert_eq!(summary(&m), ("all".into(), "partial".into()));
}

#[test]
fn allow_role_authorizes_per_request() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv", "--allow-role", "gitlab"]);
    let (code, m) = pki.probe(&s.addr, Some("rails"), &["--strict"]);
    assert_eq!(code, 0, "{m}");
    for t in ["https1", "h2", "grpcs"] {
        expect_row(&m, t, true, "trusted", "per-request");
    }
    let d = transport(&m, "https1")["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        d.contains("none refused: HTTP/1.1 401") && d.contains("given HTTP/1.1 200"),
        "{d}"
    );
    assert_eq!(summary(&m), ("all".into(), "enforced".into()));
    // A certificate with another role is refused too: status 7 / 403.
    let (_, m) = pki.probe(&s.addr, Some("ops"), &[]);
    assert!(transport(&m, "grpcs")["given_cert"]
        .as_str()
        .unwrap()
        .starts_with("refused: grpc-status 7 PERMISSION_DENIED"));
    assert_eq!(transport(&m, "h2")["given_cert"], "refused: HTTP/2 403");
    // Nobody got content (a refusal is not content): not served. Still per-request: the
    // given certificate met another refusal (403, 7) than none (401, 16), so the
    // certificate was judged.
    for t in ["https1", "h2", "grpcs"] {
        expect_row(&m, t, false, "trusted", "per-request");
    }
}

#[test]
fn insecure_mode_is_all_plaintext() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--insecure"]);
    let (code, m) = pki.probe(&s.addr, Some("rails"), &["--strict"]);
    assert_eq!(code, 1);
    expect_row(&m, "http1", true, "none", "none");
    assert!(transport(&m, "http1")["redirect"].is_null());
    expect_row(&m, "h2c", true, "none", "none");
    expect_row(&m, "grpc", true, "none", "none");
    assert!(transport(&m, "grpc")["detail"]
        .as_str()
        .unwrap()
        .contains("grpc-status 0"));
    for t in ["tls", "https1", "h2", "grpcs"] {
        expect_row(&m, t, false, "none", "none");
    }
    assert_eq!(summary(&m), ("none".into(), "none".into()));
}

#[test]
fn untrusted_server_and_text_output() {
    let pki = Pki::new();
    let other = Env::new();
    other.run(&["ca", "init"]).ok();
    let s = Serve::start(&pki.env, &["--name", "srv"]);
    let other_ca = other.pki().join("ca.crt").display().to_string();
    let (_, m) = pki.probe(&s.addr, None, &["--ca", &other_ca]);
    expect_row(&m, "tls", true, "untrusted", "optional");
    assert!(
        transport(&m, "tls")["detail"]
            .as_str()
            .unwrap()
            .contains("untrusted"),
        "{m}"
    );
    let r = pki.env.run(&["probe", &s.addr, "--timeout", "2"]).ok();
    assert!(
        r.stdout.contains("TRANSPORT")
            && r.stdout.contains("summary: encrypted all, mtls optional"),
        "{}",
        r.stdout
    );
}

#[test]
fn live_verify() {
    let pki = Pki::new();
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", "required"]);
    let (c, k) = (pki.f("rails", "crt"), pki.f("rails", "key"));
    let v = pki
        .env
        .run(&[
            "-o",
            "json",
            "verify",
            &s.addr,
            "--host",
            "localhost",
            "--role",
            "gitaly",
            "--cert",
            &c,
            "--key",
            &k,
        ])
        .ok()
        .json();
    let checks: Vec<(&str, bool)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        checks,
        [
            ("tls", true),
            ("protocol", true),
            ("validity", true),
            ("chain", true),
            ("usage", true),
            ("revocation", true),
            ("host", true),
            ("role", true),
            ("client-cert", true)
        ]
    );
    // serve speaks HTTP: detected, and the given certificate got an HTTP answer.
    let detail = |name: &str| {
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == name)
            .unwrap()["detail"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        detail("protocol").starts_with("HTTP answered over TLS (detected; "),
        "{v}"
    );
    assert!(
        detail("client-cert").starts_with("accepted: answered over "),
        "{v}"
    );
    // Asked to check it as PostgreSQL: it does not answer that, and verify fails.
    let r = pki.env.run(&[
        "-o",
        "json",
        "verify",
        &s.addr,
        "--protocol",
        "postgres",
        "--cert",
        &c,
        "--key",
        &k,
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let pv = r.json();
    let failed: Vec<&str> = pv["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["tls", "protocol", "client-cert"], "{pv}");
    // Wrong host and wrong role: exit 1, both named.
    let r = pki.env.run(&[
        "-o",
        "json",
        "verify",
        &s.addr,
        "--host",
        "evil.local",
        "--role",
        "praefect",
        "--cert",
        &c,
        "--key",
        &k,
    ]);
    assert_eq!(r.code, 1);
    let failed: Vec<String> = r.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["check"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed, ["host", "role"]);
    // A revoked client certificate and one from another CA: refused, exit 1, the alert named.
    pki.env
        .run(&["cert", "client", "gone", "--role", "gitlab"])
        .ok();
    pki.env.run(&["--yes", "revoke", "gone"]).ok();
    let other = Env::new();
    other.run(&["ca", "init", "--name", "Other"]).ok();
    other
        .run(&["cert", "client", "mallory", "--role", "gitlab"])
        .ok();
    let m = |n: &str, e: &str| {
        other
            .pki()
            .join(format!("certs/{n}/{n}.{e}"))
            .display()
            .to_string()
    };
    drop(s);
    let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", "required"]);
    for (crt, key, alert) in [
        (
            pki.f("gone", "crt"),
            pki.f("gone", "key"),
            "certificate_revoked",
        ),
        (m("mallory", "crt"), m("mallory", "key"), "unknown_ca"),
    ] {
        let r = pki.env.run(&[
            "verify",
            &s.addr,
            "--host",
            "localhost",
            "--cert",
            &crt,
            "--key",
            &key,
        ]);
        assert_eq!(r.code, 1, "{}", r.stdout);
        let line = r
            .stdout
            .lines()
            .find(|l| l.starts_with("client-cert"))
            .unwrap();
        assert!(line.contains("FAILED") && line.contains(alert), "{line}");
        assert!(!line.contains("accepted"), "{line}");
    }
    // Revoked server certificate: the CRL check fails.
    pki.env.run(&["--yes", "revoke", "srv"]).ok();
    let r = pki.env.run(&["verify", &s.addr, "--host", "localhost"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("revocation  REVOKED"), "{}", r.stdout);
    // Nothing listening: exit 2, one line.
    let port = free_port();
    pki.env
        .run(&["verify", &format!("127.0.0.1:{port}"), "--timeout", "1"])
        .usage_error(&["no TLS certificate"]);
}

#[test]
fn bad_targets_are_refused_before_any_network() {
    let env = Env::new();
    for bad in [
        "localhost",
        "host:0",
        "host:99999",
        ":443",
        "::1:443",
        "[zz]:443",
        "a b:1",
        "host:port",
    ] {
        env.run(&["probe", bad])
            .usage_error(&["not a HOST:PORT target"]);
    }
    env.run(&["probe", "127.0.0.1:1", "--timeout", "0"])
        .usage_error(&["--timeout"]);
}

#[test]
fn demo_runs_and_cleans_up() {
    let env = Env::new();
    let r = env.run(&["demo"]).ok();
    assert!(
        r.stdout.contains("summary: encrypted all, mtls enforced"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("per-request"), "{}", r.stdout);
    let removed = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("secctl: 5. removed "))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(
        !std::path::Path::new(removed).exists(),
        "demo left {removed}"
    );
    assert!(!env.pki().exists(), "demo must not touch --dir");
    let v = env.run(&["-o", "json", "demo"]).ok().json();
    assert_eq!(v[0]["summary"]["mtls"], "enforced");
}

#[test]
fn the_same_server_gives_the_same_rows_every_run() {
    // Twenty probes per mode and identity (none, valid, revoked): identical rows each time
    // (a refusal must never flip to "not served" or the chain to "none").
    let pki = Pki::new();
    pki.env
        .run(&["cert", "client", "gone", "--role", "gitlab"])
        .ok();
    pki.env.run(&["--yes", "revoke", "gone"]).ok();
    for mode in ["required", "optional", "none"] {
        let s = Serve::start(&pki.env, &["--name", "srv", "--client-auth", mode]);
        for client in [None, Some("rails"), Some("gone")] {
            let (_, first) = pki.probe(&s.addr, client, &[]);
            for _ in 0..19 {
                let (_, m) = pki.probe(&s.addr, client, &[]);
                assert_eq!(m["transports"], first["transports"], "{mode} {client:?}");
            }
        }
    }
}

/// `openssl s_server -www` requiring a client certificate over TLS 1.3, with or without
/// session tickets, optionally checking the CRL. Stopped by PID on drop.
struct Openssl {
    child: std::process::Child,
    addr: String,
}

impl Openssl {
    fn start(pki: &Pki, tickets: bool, crl: bool) -> Openssl {
        let dir = pki.env.pki();
        let chain = dir.join("ca.crt");
        let (crt, key) = (pki.f("srv", "crt"), pki.f("srv", "key"));
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = std::process::Command::new("openssl");
            cmd.args(["s_server", "-quiet", "-www", "-tls1_3", "-accept"])
                .arg(format!("127.0.0.1:{port}"))
                .args(["-cert", &crt, "-cert_chain", &crt, "-key", &key])
                .arg("-CAfile")
                .arg(&chain)
                .args(["-Verify", "3", "-verify_return_error"])
                .args(["-num_tickets", if tickets { "2" } else { "0" }]);
            if crl {
                cmd.args(["-crl_check_all", "-CRL"])
                    .arg(dir.join("crl.pem"));
                // s_server reads one CRL from -CRL; the leaf's issuer is the
                // intermediate, whose CRL comes first in crl.pem.
            }
            let mut child = cmd
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("openssl s_server");
            let t0 = std::time::Instant::now();
            while t0.elapsed() < std::time::Duration::from_secs(5) {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Openssl {
                        child,
                        addr: format!("127.0.0.1:{port}"),
                    };
                }
                if child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("openssl s_server did not start");
    }
}

impl Drop for Openssl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What `openssl s_client` (the server's own toolkit) sees with a client certificate: the
/// HTTP answer of `s_server -www`, or the alert.
fn s_client_get(pki: &Pki, addr: &str, client: &str) -> String {
    let (c, k) = (pki.f(client, "crt"), pki.f(client, "key"));
    let ca = pki.env.pki().join("ca.crt");
    let mut child = std::process::Command::new("openssl")
        .args(["s_client", "-tls1_3", "-quiet", "-connect", addr])
        .args(["-cert", &c, "-cert_chain", &c, "-key", &k, "-CAfile"])
        .arg(&ca)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("openssl s_client");
    use std::io::Write;
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(b"GET / HTTP/1.0\r\n\r\n");
    let o = child.wait_with_output().unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn client_cert_check(pki: &Pki, addr: &str, client: &str) -> (i32, bool, String) {
    let (c, k) = (pki.f(client, "crt"), pki.f(client, "key"));
    let r = pki.env.run(&[
        "-o",
        "json",
        "verify",
        addr,
        "--protocol",
        "tls",
        "--cert",
        &c,
        "--key",
        &k,
    ]);
    let v = r.json();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "client-cert")
        .unwrap_or_else(|| panic!("no client-cert check: {v}"))
        .clone();
    (
        r.code,
        check["ok"].as_bool().unwrap(),
        check["detail"].as_str().unwrap().to_string(),
    )
}

#[test]
fn tls13_admission_needs_evidence_of_the_servers_verdict() {
    // In TLS 1.3 the client's certificate travels after the server's Finished: a completed
    // handshake says nothing about it. `verify --protocol tls` calls the certificate
    // accepted only on evidence (a session ticket or data after it); a server that sends
    // nothing is "not checked" (and fails), never "accepted".
    let pki = Pki::new();
    pki.env.run(&["--yes", "revoke", "ops"]).ok();

    // Tickets on: the ticket after the client's Finished is the verdict.
    let s = Openssl::start(&pki, true, false);
    assert!(s_client_get(&pki, &s.addr, "rails").contains("200 ok"));
    let (code, ok, detail) = client_cert_check(&pki, &s.addr, "rails");
    assert!(ok && code == 0, "{code} {detail}");
    assert!(detail.starts_with("accepted at the TLS layer"), "{detail}");
    drop(s);

    // No tickets: the server admitted the certificate (its own client gets the page), but
    // nothing on the wire showed it within the wait: not checked, and verify fails.
    let s = Openssl::start(&pki, false, false);
    assert!(s_client_get(&pki, &s.addr, "rails").contains("200 ok"));
    let (code, ok, detail) = client_cert_check(&pki, &s.addr, "rails");
    assert!(!ok && code == 1, "{code} {detail}");
    assert!(detail.starts_with("not checked: no verdict"), "{detail}");
    drop(s);

    // No tickets, CRL checked: the revoked certificate's alert comes right after the
    // handshake and is seen as the refusal it is.
    let s = Openssl::start(&pki, false, true);
    let truth = s_client_get(&pki, &s.addr, "ops");
    assert!(
        truth.contains("revoked") && !truth.contains("200 ok"),
        "{truth}"
    );
    let (code, ok, detail) = client_cert_check(&pki, &s.addr, "ops");
    assert!(!ok && code == 1, "{code} {detail}");
    assert!(detail.starts_with("refused"), "{detail}");
}
